import type { Scenario, ScenarioDevice } from '@shamba/world';

/** `--devices N`: clones the scenario's devices round-robin with suffixed ids, for load tests. */
export function scaleDevices(scenario: Scenario, count: number | undefined): ScenarioDevice[] {
  if (count === undefined || count <= scenario.devices.length)
    return scenario.devices.slice(0, count);
  return Array.from({ length: count }, (_, i) => {
    const base = scenario.devices[i % scenario.devices.length]!;
    return i < scenario.devices.length
      ? base
      : { ...base, id: `${base.id}-x${Math.floor(i / scenario.devices.length)}` };
  });
}

export function centreOf(scenario: Scenario, fieldId: string): [number, number] {
  const ring = scenario.fields.find((f) => f.id === fieldId)?.boundary.coordinates[0] ?? [];
  const vertices = ring.slice(0, -1); // the closing vertex repeats the first (RFC 7946 §3.1.6)
  const mean = (i: 0 | 1) => vertices.reduce((s, v) => s + v[i], 0) / Math.max(1, vertices.length);
  return [mean(0), mean(1)];
}

/** FNV-1a, to give each device its own reproducible random stream. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
