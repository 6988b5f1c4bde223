import {
  DAY_MS,
  round,
  type ComputationStep,
  type Field,
  type NitrogenPrescription,
  type NitrogenZone,
  type ZoneNitrogen,
} from '@shamba/schemas';
import {
  N_SCENE_MAX_AGE_DAYS,
  addDays,
  cropParameters,
  fieldZones,
  localDate,
  zoneNitrogen,
  type CropParameters,
  type DailyWeather,
  type StationWeather,
} from '@shamba/agronomy';
import type { FieldScene } from '../../prescriptions/clear-scene.js';
import { provenanceOf } from '../rule.js';

/** N topdress per management zone from the latest clear scene, by OSU's SBNRC. */
export const NITROGEN_RULE = { name: 'osu-sbnrc-nitrogen', version: '1.0.0' } as const;

/** What growing days need of a station's summary (all that crosses to the worker). */
export type StationTemperatures = Pick<StationWeather, 'deviceIds' | 'readingCount' | 'firstMs'> & {
  days: Pick<DailyWeather, 'dateIso' | 'complete' | 'tMaxC' | 'tMinC'>[];
};

/** A station summary cut to its temperatures: a smaller message to the worker. */
export function stationTemperatures(weather: StationWeather): StationTemperatures {
  const { deviceIds, readingCount, firstMs } = weather;
  const days = weather.days.map(({ dateIso, complete, tMaxC, tMinC }) => ({
    dateIso,
    complete,
    tMaxC,
    tMinC,
  }));
  return { deviceIds, readingCount, firstMs, days };
}

export interface NitrogenRuleInput {
  field: Field;
  /** A parameter set's crop (defaults to the built-in table for `field.crop`). */
  crop?: CropParameters;
  /** The latest scene with a clear view of the field: each zone's mean NDVI (null: cloudy). */
  scene?: FieldScene;
  asOfMs: number;
  utcOffsetMinutes: number;
  /** The field's station since sowing (growing days); days it did not record count as growing. */
  weather: StationTemperatures;
  createdAtMs: number;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
}

type ZoneSpec = ReturnType<typeof fieldZones>[number];
type RatedZone = Exclude<NitrogenZone, { status: 'no-rate' }>;
const hasRate = (zone: NitrogenZone): zone is RatedZone => !('reason' in zone);

/**
 * Nitrogen per zone from the latest clear scene, if it is recent enough to say how green the
 * crop is now; otherwise `insufficient-data`, with the step that says why.
 */
export function nitrogenPrescription(input: NitrogenRuleInput): NitrogenPrescription {
  const { field, scene } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  const specs = fieldZones(field);
  const sceneAgeDays =
    scene === undefined ? null : Math.floor((input.asOfMs - scene.acquiredMs) / DAY_MS);
  const steps: ComputationStep[] = [];
  let zones: NitrogenZone[];
  if (scene !== undefined && sceneAgeDays !== null && sceneAgeDays <= N_SCENE_MAX_AGE_DAYS) {
    const sensed = localDate(scene.acquiredMs, input.utcOffsetMinutes);
    const growingDays = growingDaysBetween(input.weather, field.plantingDate, sensed);
    steps.push({
      name: 'growing days',
      formula: `days from sowing ${field.plantingDate} to the scene ${sensed} with (Tmax + Tmin)/2 - 4.4 > 0 (days without a record count)`,
      value: growingDays,
      unit: 'days',
      source: 'Raun et al. 2002, INSEY',
    });
    const rates = zoneNitrogen({
      crop: crop.crop,
      sceneId: scene.sceneId,
      zones: specs.map((z) => ({
        id: z.id,
        areaHa: z.areaHa,
        ndvi: scene.ndviByZone[z.id] ?? null,
        nRichStrip: z.nRichStrip,
      })),
      growingDays,
    });
    zones = specs.map((z) => nitrogenZone(z, rates.get(z.id) ?? null, noRateReason(z, scene)));
  } else {
    const why =
      scene === undefined
        ? 'no clear scene of the field yet: no N rate'
        : `the latest clear scene is ${sceneAgeDays} days old (> ${N_SCENE_MAX_AGE_DAYS}): no N rate`;
    steps.push({
      name: 'N sensing',
      formula: why,
      value: sceneAgeDays,
      unit: 'days',
      source: 'OSU SBNRC needs a current NDVI',
    });
    zones = specs.map((z) => nitrogenZone(z, null, why));
  }
  return fieldNitrogen({ input, crop, zones, steps, sceneAgeDays });
}

function nitrogenZone(spec: ZoneSpec, rate: ZoneNitrogen | null, reason: string): NitrogenZone {
  const key = { zoneId: spec.id, areaHa: spec.areaHa };
  return rate === null ? { ...key, status: 'no-rate', reason } : { ...key, ...rate };
}

/** Why `zoneNitrogen` gave a zone no rate (it returns null for these three cases). */
function noRateReason(spec: ZoneSpec, scene: FieldScene): string {
  if (spec.nRichStrip) return 'the N-rich strip: the reference the other zones are read against';
  if ((scene.ndviByZone[spec.id] ?? null) === null)
    return `cloudy over the zone in scene ${scene.sceneId}`;
  return 'one zone seen and no N-rich strip: nothing to compare it with';
}

/** Rates `nitrogenRate` could not give yet (a legume's 0 kg is a rate: it needs none). */
const UNRATED = new Set(['too-early', 'unsupported-crop']);

/** The field's N: the zones by area (a zone without a rate counts 0), the summary, provenance. */
function fieldNitrogen(p: {
  input: NitrogenRuleInput;
  crop: CropParameters;
  zones: NitrogenZone[];
  steps: ComputationStep[];
  sceneAgeDays: number | null;
}): NitrogenPrescription {
  const { input, zones } = p;
  const { field, weather } = input;
  const rateOf = (z: NitrogenZone) => (hasRate(z) ? z.nKgHa : 0);
  const areaHa = zones.reduce((s, z) => s + z.areaHa, 0);
  const nKgHa = round(zones.reduce((s, z) => s + rateOf(z) * z.areaHa, 0) / areaHa, 1);
  // A crop too young to sense, or without a calibration, has no rate yet: not "none needed".
  const rated = zones.filter(hasRate).filter((z) => !UNRATED.has(z.status));
  const action =
    rated.length === 0
      ? 'insufficient-data'
      : rated.some((z) => rateOf(z) > 0)
        ? 'fertilise'
        : 'none';
  return {
    id: `${field.id}:${input.asOfMs}:${NITROGEN_RULE.name}@${NITROGEN_RULE.version}`,
    kind: 'nitrogen',
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: input.createdAtMs,
    asOfMs: input.asOfMs,
    action,
    nKgHa,
    summary: nitrogenSummary(field, action, zones),
    parameters: {
      crop: p.crop.crop,
      plantingDate: field.plantingDate,
      areaHa,
      ...(p.sceneAgeDays === null ? {} : { sceneAgeDays: p.sceneAgeDays }),
    },
    provenance: provenanceOf(NITROGEN_RULE, {
      parameterSet: input.parameterSet,
      sceneId: input.scene?.sceneId,
    }),
    inputs: {
      fromMs: weather.firstMs ?? input.asOfMs,
      toMs: input.asOfMs + 1,
      readingCount: weather.readingCount,
      deviceIds: [...weather.deviceIds].sort(),
    },
    steps: p.steps,
    zones,
  };
}

function nitrogenSummary(
  field: Field,
  action: NitrogenPrescription['action'],
  zones: readonly NitrogenZone[],
): string {
  const fertilise = zones.filter(hasRate).filter((z) => z.nKgHa > 0);
  const first = zones[0];
  if (first === undefined) return `No N rate for ${field.name}: no zone.`;
  // Every zone shares the field's crop and growing days, so a zone's own reason is the field's.
  if (!hasRate(first) && action === 'insufficient-data')
    return `No N rate for ${field.name}: ${first.reason}.`;
  if (hasRate(first) && first.status !== 'ok' && fertilise.length === 0)
    return `${field.name}: ${first.summary}`;
  if (fertilise.length === 0) return `No N topdress needed on ${field.name}.`;
  return (
    'N: ' +
    fertilise
      .map((z) => {
        const product = z.products[0];
        return (
          `${z.zoneId} ${z.nKgHa} kg N/ha` +
          (product === undefined ? '' : ` (${product.kgPerPlot} kg ${product.name})`)
        );
      })
      .join('; ') +
    '.'
  );
}

/**
 * Growing days for INSEY: days from sowing up to the sensing date whose mean temperature is
 * above 4.4 °C (Raun et al. 2002). Days the station did not record count as growing: our
 * cooperatives farm where a day below 4.4 °C in the season is rare.
 */
function growingDaysBetween(weather: StationTemperatures, sowing: string, sensed: string): number {
  const days = new Map(weather.days.map((d) => [d.dateIso, d]));
  let n = 0;
  for (let date = sowing; date < sensed; date = addDays(date, 1)) {
    const d = days.get(date);
    if (d === undefined || !d.complete || d.tMaxC === null || d.tMinC === null) n++;
    else if ((d.tMaxC + d.tMinC) / 2 - 4.4 > 0) n++;
  }
  return n;
}
