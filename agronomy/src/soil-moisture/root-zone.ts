import type { ComputationStep, StoredReading } from '@shamba/schemas';

/**
 * Each probe sensor sits at `depthM` (10, 30 and 60 cm) and stands for the layer around it: 0-20
 * cm, 20-45 cm, 45 cm to the root tip.
 */
export const PROBE_LAYERS = [
  { quantity: 'vwc10', depthM: 0.1, topM: 0, bottomM: 0.2 },
  { quantity: 'vwc30', depthM: 0.3, topM: 0.2, bottomM: 0.45 },
  { quantity: 'vwc60', depthM: 0.6, topM: 0.45, bottomM: Number.POSITIVE_INFINITY },
] as const;

/**
 * One probe's newest reading as an explanation shows it: each sensor's water content and depth,
 * and the time it was read.
 */
export function probeReadingStep(reading: StoredReading, source: string): ComputationStep {
  const inputs: Record<string, number | string | null> = { timeIso: isoOf(reading.timeMs) };
  const parts: string[] = [];
  for (const layer of PROBE_LAYERS) {
    const v = reading.values[layer.quantity];
    inputs[layer.quantity] = v ?? null;
    inputs[`${layer.quantity}DepthM`] = layer.depthM;
    parts.push(`${layer.quantity} ${v === undefined ? 'missing' : v} at ${layer.depthM} m`);
  }
  return {
    name: `probe ${reading.deviceId}`,
    formula: `${parts.join(', ')} (read ${isoOf(reading.timeMs)})`,
    value: null,
    unit: 'm3/m3',
    source,
    inputs,
  };
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Root-zone water content from probes (the newest reading of each): the mean of each layer over
 * the probes, weighted by how much of the root zone `rootDepthM` the layer covers. Null when no
 * layer within the root zone was measured.
 */
export function rootZoneWaterContent(
  latest: readonly StoredReading[],
  rootDepthM: number,
): { theta: number; layerMeans: (number | undefined)[] } | null {
  const layerMeans = PROBE_LAYERS.map((layer) => mean(latest.map((r) => r.values[layer.quantity])));
  const weights = PROBE_LAYERS.map((l) => Math.max(0, Math.min(l.bottomM, rootDepthM) - l.topM));
  const usable = layerMeans.flatMap((m, i) =>
    m === undefined || weights[i] === 0 ? [] : [{ m, w: weights[i]! }],
  );
  if (usable.length === 0) return null;
  const wSum = usable.reduce((s, u) => s + u.w, 0);
  return { theta: usable.reduce((s, u) => s + u.m * u.w, 0) / wSum, layerMeans };
}

/** The newest reading of each device, in device order. */
export function latestPerDevice(readings: readonly StoredReading[]): StoredReading[] {
  const latest = new Map<string, StoredReading>();
  for (const r of readings) {
    const seen = latest.get(r.deviceId);
    if (seen === undefined || r.timeMs > seen.timeMs) latest.set(r.deviceId, r);
  }
  return [...latest.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId));
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((s, v) => s + v, 0) / present.length;
}
