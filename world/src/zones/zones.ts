import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Scenario, ScenarioField } from '../scenarios/scenario.js';

export interface ZoneSpec {
  id: string;
  boundary: ScenarioField['boundary'];
  soil: ScenarioField['soil'];
  rootDepthM: number;
  initialDepletionFraction: number;
  vigour: number;
}

/** A field's zones, each with what it does not set taken from the field; one zone if none. */
export function zonesOf(field: ScenarioField): ZoneSpec[] {
  const defaults = {
    soil: field.soil,
    rootDepthM: field.rootDepthM,
    initialDepletionFraction: field.initialDepletionFraction,
    vigour: 1,
  };
  if (field.zones === undefined || field.zones.length === 0)
    return [{ id: `${field.id}-z1`, boundary: field.boundary, ...defaults }];
  return field.zones.map((z) => ({
    id: z.id,
    boundary: z.boundary,
    soil: z.soil ?? defaults.soil,
    rootDepthM: z.rootDepthM ?? defaults.rootDepthM,
    initialDepletionFraction: z.initialDepletionFraction ?? defaults.initialDepletionFraction,
    vigour: z.vigour ?? defaults.vigour,
  }));
}

/** The zone a scenario device measures: its own setting, else the zone under it, else none. */
export function deviceZoneId(
  scenario: Scenario,
  device: { zoneId?: string | undefined; fieldId: string; position?: [number, number] | undefined },
): string | null {
  if (device.zoneId !== undefined) return device.zoneId;
  const field = scenario.fields.find((f) => f.id === device.fieldId);
  if (field === undefined || field.zones === undefined) return null;
  const ring = field.boundary.coordinates[0]!.slice(0, -1);
  const at =
    device.position ??
    ([
      ring.reduce((s, p) => s + p[0], 0) / ring.length,
      ring.reduce((s, p) => s + p[1], 0) / ring.length,
    ] as [number, number]);
  return zonesOf(field).find((z) => booleanPointInPolygon(at, z.boundary))?.id ?? null;
}
