import {
  DAY_MS,
  round,
  type AppliedNitrogen,
  type ComputationStep,
  type Field,
  type NitrogenPrescription,
  type NitrogenZone,
} from '@shamba/schemas';
import {
  N_SCENE_MAX_AGE_DAYS,
  SBNRC_COEFFICIENTS,
  addDays,
  cropParameters,
  daysBetween,
  fieldZones,
  lastUsefulNDay,
  localDate,
  nBudget,
  zoneNitrogen,
  type CropParameters,
  type DailyWeather,
  type NBudget,
  type StationWeather,
} from '@shamba/agronomy';
import type { FieldScene } from '../../prescriptions/clear-scene.js';
import { provenanceOf } from '../rule.js';
import { appliedNitrogen, type AppliedRecord } from './applied-nitrogen.js';
import { budgetZone, isRated, nitrogenZone } from './nitrogen-zones.js';

/**
 * N per management zone: OSU's SBNRC from the latest clear scene in the crop's sensing window,
 * else the crop's N budget; what was applied subtracted. 2.0.0: the reference gets 0, applied N
 * counts, a rate or a reason for every zone.
 */
export const NITROGEN_RULE = { name: 'osu-sbnrc-nitrogen', version: '2.0.0' } as const;

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
  /** Why that scene, or none, was chosen (recorded in the provenance). */
  sceneNote?: string;
  asOfMs: number;
  utcOffsetMinutes: number;
  /**
   * The field's station since sowing (growing days); days it did not record count as growing
   * (no station at all: every day since sowing).
   */
  weather: StationTemperatures;
  /** The field's recorded fertiliser applications (any date: the rule keeps the season's). */
  applications?: readonly AppliedRecord[];
  createdAtMs: number;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
}

/**
 * Nitrogen per zone: by OSU's SBNRC from the latest clear scene when it is recent and the crop
 * is in its sensing window, less the N applied since the scene and within the season's N budget;
 * otherwise, and for each zone the scene cannot rate, by the crop's N budget (target yield x N
 * uptake per t - soil supply - N applied), with the reason. Every zone has a rate or a reason.
 */
export function nitrogenPrescription(input: NitrogenRuleInput): NitrogenPrescription {
  const { field, scene } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  const specs = fieldZones(field);
  const sceneAgeDays =
    scene === undefined ? null : Math.floor((input.asOfMs - scene.acquiredMs) / DAY_MS);
  const usable =
    scene !== undefined && sceneAgeDays !== null && sceneAgeDays <= N_SCENE_MAX_AGE_DAYS;
  const sensedDate = usable ? localDate(scene.acquiredMs, input.utcOffsetMinutes) : undefined;
  const today = localDate(input.asOfMs, input.utcOffsetMinutes);
  const applied = appliedNitrogen({
    declaredKgHa: field.nitrogenKgHa,
    applications: input.applications ?? [],
    plantingDate: field.plantingDate,
    today,
    sensedDate,
  });
  const budget = nBudget({
    crop: crop.crop,
    targetYieldTHa: crop.attainableYieldTHa,
    declaredKgHa: applied.declaredKgHa,
    recordedKgHa: round(applied.totalKgHa - applied.declaredKgHa, 1),
    ...(crop.stages === null
      ? {}
      : {
          season: {
            daysSinceSowing: daysBetween(field.plantingDate, today),
            lastUsefulDay: lastUsefulNDay(crop.stages),
          },
        }),
  });
  const steps: ComputationStep[] = [];
  let zones: NitrogenZone[];
  let sceneNote = input.sceneNote;
  if (usable && sensedDate !== undefined) {
    const growingDays = growingDaysBetween(input.weather, field.plantingDate, sensedDate);
    steps.push({
      name: 'growing days',
      formula: `days from sowing ${field.plantingDate} to the scene ${sensedDate} with (Tmax + Tmin)/2 - 4.4 > 0 (days without a record count)`,
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
      appliedSinceSensingKgHa: applied.sinceSceneKgHa,
      budgetRemainingKgHa: budget.remainingKgHa,
    });
    zones = specs.map((z) => nitrogenZone(z, rates.get(z.id), budget));
  } else {
    const why =
      scene === undefined
        ? 'no clear scene of the field yet'
        : `the latest clear scene is ${sceneAgeDays} days old (> ${N_SCENE_MAX_AGE_DAYS}), too old to say how green the crop is now`;
    steps.push({
      name: 'N sensing',
      formula: `${why}: the crop's N budget instead`,
      value: sceneAgeDays,
      unit: 'days',
      source: 'OSU SBNRC needs a current NDVI',
    });
    zones = specs.map((z) => budgetZone(z, why, budget));
    // The scene stays in the provenance (a newer one makes this stale): say it was not used.
    if (scene !== undefined)
      sceneNote = `${input.sceneNote ?? scene.sceneId}; not used for nitrogen: ${why}`;
  }
  steps.push(...budget.steps);
  return fieldNitrogen({
    input,
    crop,
    zones,
    steps,
    sceneAgeDays,
    sceneNote,
    applied,
    budget,
  });
}

/** The field's N: the zones by area (a zone without a rate counts 0), the summary, provenance. */
function fieldNitrogen(p: {
  input: NitrogenRuleInput;
  crop: CropParameters;
  zones: NitrogenZone[];
  steps: ComputationStep[];
  sceneAgeDays: number | null;
  sceneNote: string | undefined;
  applied: AppliedNitrogen;
  budget: NBudget;
}): NitrogenPrescription {
  const { input, zones, budget } = p;
  const { field, weather } = input;
  const rateOf = (z: NitrogenZone) => (isRated(z) ? z.nKgHa : 0);
  const areaHa = zones.reduce((s, z) => s + z.areaHa, 0);
  const nKgHa = round(zones.reduce((s, z) => s + rateOf(z) * z.areaHa, 0) / areaHa, 1);
  const rated = zones.filter(isRated);
  const action =
    rated.length === 0
      ? 'insufficient-data'
      : rated.some((z) => z.nKgHa > 0)
        ? 'fertilise'
        : 'none';
  const window = SBNRC_COEFFICIENTS[p.crop.crop]?.sensingWindow;
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
      targetYieldTHa: p.crop.attainableYieldTHa,
      appliedNKgHa: p.applied.totalKgHa,
      ...(budget.seasonKgHa === null ? {} : { seasonBudgetNKgHa: budget.seasonKgHa }),
      ...(window === undefined
        ? {}
        : { sensingWindow: `${window.fromGrowingDays}-${window.toGrowingDays} growing days` }),
      ...(p.sceneAgeDays === null ? {} : { sceneAgeDays: p.sceneAgeDays }),
    },
    provenance: provenanceOf(NITROGEN_RULE, {
      parameterSet: input.parameterSet,
      sceneId: input.scene?.sceneId,
      sceneNote: p.sceneNote,
    }),
    inputs: {
      fromMs: weather.firstMs ?? input.asOfMs,
      toMs: input.asOfMs + 1,
      readingCount: weather.readingCount,
      deviceIds: [...weather.deviceIds].sort(),
    },
    steps: p.steps,
    zones,
    appliedN: p.applied,
  };
}

/** One line for the farmer's agronomist: each zone's dose, or why none. */
function nitrogenSummary(
  field: Field,
  action: NitrogenPrescription['action'],
  zones: readonly NitrogenZone[],
): string {
  const first = zones[0];
  if (first === undefined) return `No N rate for ${field.name}: no zone.`;
  const whyNot = [...new Set(zones.map((z) => (isRated(z) ? z.summary : `${z.reason}.`)))].join(
    ' ',
  );
  if (action === 'insufficient-data') return `No N rate for ${field.name}: ${whyNot}`;
  if (action === 'none') return `No N for ${field.name}: ${whyNot}`;
  const doses = zones
    .filter(isRated)
    .filter((z) => z.nKgHa > 0)
    .map((z) => {
      const product = z.products[0];
      const basis = z.status === 'n-budget' ? ', by the N budget' : '';
      return (
        `${z.zoneId} ${z.nKgHa} kg N/ha` +
        (product === undefined ? '' : ` (${product.kgPerPlot} kg ${product.name})`) +
        basis
      );
    });
  const reasons = [
    ...new Set(zones.flatMap((z) => ('reason' in z && z.status === 'n-budget' ? [z.reason] : []))),
  ];
  return (
    `N: ${doses.join('; ')}.` +
    (reasons.length === 0
      ? ''
      : ` N budget where the scene gives no rate: ${reasons.join('; ').replace(/\.$/, '')}.`)
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
