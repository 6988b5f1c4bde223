import type { Field, Zone } from '@shamba/schemas';
import type { FieldIndices } from '@shamba/raster';
import type {
  DeviceRecord,
  FieldSceneIndices,
  Registry,
  SceneRecord,
  TimeSeriesStore,
} from '@shamba/storage';
import { assignProbesToZones, type ProbeFix, type ProbeZoneAssignment } from './probe-zones.js';

export interface ApplyFieldZonesInput {
  registry: Registry;
  store: TimeSeriesStore;
  field: Field;
  zones: Zone[];
  /** The scenes the delineation read, in its order, and each new zone's indices in each. */
  scenes: readonly SceneRecord[];
  sceneZoneIndices: readonly (Record<string, FieldIndices> | null)[];
  /** The field's stored indices, one entry a scene (registry.scenes.fieldSeries). */
  series: readonly FieldSceneIndices[];
}

export interface AppliedZones {
  /** Stored scenes whose per-zone indices now name the new zones. */
  scenesReindexed: number;
  /** Which soil probe went to which zone, and how it was placed. */
  probes: ProbeZoneAssignment[];
}

/** GNSS reports read back per probe to find its newest fix (a probe reports a few a day). */
const GNSS_LOOKBACK_READINGS = 50;

/**
 * Zones made the field's own: stored on the field; each stored scene's per-zone indices replaced
 * by the new zones' (so the N rate has NDVI per new zone at once, without reading a scene again);
 * each soil probe moved to the zone its GNSS position lies in. The caller recomputes the field's
 * prescriptions after.
 */
export async function applyFieldZones(input: ApplyFieldZonesInput): Promise<AppliedZones> {
  const { registry, field, zones } = input;
  const previousZones = field.zones ?? [];
  await registry.fields.upsert({ ...field, zones });
  const scenesReindexed = await reindexScenes(input);
  const probes = await reassignProbes(input, previousZones);
  return { scenesReindexed, probes };
}

/**
 * Each stored scene of the field with the new zones' indices in place of the old zones'. Only
 * the field's own rows are written: the scene's record, and every other field's indices in it,
 * are another writer's (a scene re-registered meanwhile, another field's zones applied).
 */
async function reindexScenes(input: ApplyFieldZonesInput): Promise<number> {
  const key = (owner: string | null, id: string) => JSON.stringify([owner, id]);
  const position = new Map(input.scenes.map((s, k) => [key(s.ownerCoopId, s.id), k]));
  const replaced = input.series.flatMap((entry) => {
    const k = position.get(key(entry.ownerCoopId, entry.sceneId));
    if (k === undefined) return []; // not read: a scene that does not reach the field
    const { zones: _old, ...fieldOnly } = entry.indices;
    const zones = input.sceneZoneIndices[k];
    return [{ ...entry, indices: zones == null ? fieldOnly : { ...fieldOnly, zones } }];
  });
  return input.registry.scenes.replaceFieldIndices(replaced);
}

/** Each soil probe of the field to the zone its newest GNSS fix lies in. */
async function reassignProbes(
  input: ApplyFieldZonesInput,
  previousZones: readonly Zone[],
): Promise<ProbeZoneAssignment[]> {
  const { registry, field } = input;
  const probes = (await registry.devices.list({ fieldId: field.id })).filter(
    (d) => d.kind === 'soil-probe',
  );
  const fixes = await Promise.all(probes.map((probe) => newestFix(input.store, probe)));
  const assignments = assignProbesToZones({
    probes: fixes,
    zones: input.zones,
    previousZones,
    fieldBoundary: field.boundary,
  });
  for (const a of assignments) {
    const device = probes.find((d) => d.id === a.deviceId)!;
    await registry.devices.upsert({ ...device, zoneId: a.zoneId });
  }
  return assignments;
}

/** The probe's newest GNSS report with a fix (GGA quality above 0: 0 is "fix not valid"). */
async function newestFix(store: TimeSeriesStore, probe: DeviceRecord): Promise<ProbeFix> {
  const reports = await store.query({
    deviceIds: [probe.id],
    stream: 'gnss',
    fromMs: 0,
    toMs: Number.MAX_SAFE_INTEGER,
    limit: GNSS_LOOKBACK_READINGS,
  });
  const fixed = reports.filter(
    (r) =>
      r.values.latitudeDeg !== undefined &&
      r.values.longitudeDeg !== undefined &&
      (r.values.fixQuality ?? 1) > 0,
  );
  const newest = fixed.at(-1);
  return {
    deviceId: probe.id,
    previousZoneId: probe.zoneId,
    fix:
      newest === undefined
        ? null
        : {
            lon: newest.values.longitudeDeg!,
            lat: newest.values.latitudeDeg!,
            timeMs: newest.timeMs,
          },
  };
}
