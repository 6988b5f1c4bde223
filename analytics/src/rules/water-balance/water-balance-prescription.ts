import {
  round,
  type WeatherForecast,
  type ComputationStep,
  type DepletionSource,
  type Field,
  type IrrigationPrescription,
  type ZonePrescription,
  DAY_MS,
} from '@shamba/schemas';
import {
  cropDay,
  totalAvailableWaterMm,
  balanceField,
  daysBetween,
  APPLICATION_EFFICIENCY,
  N_SCENE_MAX_AGE_DAYS,
  waterSupplyOf,
  describeSupplyAmount,
  type FieldBalance,
  type FieldBalanceInput,
  type ZoneSpec,
  type ForecastDay,
} from '@shamba/agronomy';
import { provenanceOf } from '../rule.js';
import type { FieldScene } from '../../prescriptions/clear-scene.js';
import { HORIZON_DAYS, zoneIrrigation, type ZoneIrrigation } from './zone-irrigation.js';
import { fieldFeasibility, mostUrgent, shortSupplySummary } from './field-feasibility.js';
import { forecastFor } from './field-forecast.js';

/**
 * The FAO-56 rule: each management zone's root-zone depletion Dr is carried day by day by the
 * single-coefficient water balance (FAO-56 ch. 8, eq. 85) with ET0 from the field's weather
 * station (FAO-56 eq. 6), reset to the soil probes' reading on every day a zone has one (eq. 87),
 * and irrigation is prescribed per zone by `zoneIrrigation`.
 */
export const WATER_BALANCE_RULE = { name: 'fao56-water-balance', version: '1.0.0' } as const;

export type { ForecastDay };

export interface WaterBalanceRuleInput extends FieldBalanceInput {
  createdAtMs: number;
  /** A weather forecast, day 1 = tomorrow; without one, ET0 persists and no rain is assumed. */
  forecast?: readonly ForecastDay[];
  /** The cooperative's latest issued forecast (used when `forecast` is not given). */
  weatherForecast?: WeatherForecast;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
  /** The latest scene with a clear view of the field: each zone's mean NDVI (null: cloudy). */
  scene?: FieldScene;
  /** Why that scene (or none) was chosen for the field, for the provenance. */
  sceneNote?: string;
  /**
   * Depletion (share of TAW) of zones without a probe, from the fusion model fitted on the
   * cooperative's probed zones; used where neither a probe nor the balance since sowing gives Dr.
   */
  fused?: Record<string, { share: number; sd: number; trainedOn: number; model: string }>;
}

export function waterBalancePrescription(input: WaterBalanceRuleInput): IrrigationPrescription {
  const balance = balanceField(input);
  const das = daysBetween(balance.sowing, balance.today);
  const { forecast, forecastLabel } = forecastFor(input, balance);
  const exactVolumes = new Map<string, number>();
  const zoneResults = zonePrescriptions({ input, balance, das, forecast, exactVolumes });
  return fieldPrescription({ input, balance, das, forecastLabel, zoneResults, exactVolumes });
}

interface ZoneContext {
  input: WaterBalanceRuleInput;
  balance: FieldBalance;
  /** Days after sowing, today. */
  das: number;
  forecast: readonly ForecastDay[];
  /** Each irrigated zone's volume before rounding, m3, filled in as the zones are prescribed. */
  exactVolumes: Map<string, number>;
}

interface ZoneDepletion {
  drMm: number | null;
  drSource: ZonePrescription['drSource'];
  drSdMm: number | null;
  steps: ComputationStep[];
}

type FusedZone = NonNullable<WaterBalanceRuleInput['fused']>[string];

function zonePrescriptions(context: ZoneContext): ZonePrescription[] {
  const { input, balance, das } = context;
  const states = balance.zones;
  // Zones without a known Dr borrow their siblings' depletion as a share of TAW.
  const tawOf = (zone: ZoneSpec) =>
    totalAvailableWaterMm(
      zone.soil.fieldCapacity,
      zone.soil.wiltingPoint,
      cropDay(balance.crop, das, zone.rootDepthM).rootDepthM,
    );
  const knownShares = states.flatMap(({ spec, final }) =>
    final.drMm === null ? [] : [final.drMm / tawOf(spec)],
  );
  // A zone's NDVI from a scene no older than the N rate accepts sets its Kc from the canopy.
  const recentScene =
    input.scene !== undefined &&
    input.asOfMs - input.scene.acquiredMs <= N_SCENE_MAX_AGE_DAYS * DAY_MS
      ? input.scene
      : undefined;
  const canopy = (zoneId: string): number | undefined =>
    recentScene?.ndviByZone[zoneId] ?? undefined;
  return states.map((state) => {
    const zone = state.spec;
    const fused = input.fused?.[zone.id];
    const depletion = zoneDepletion(state, tawOf(zone), { fused, knownShares });
    return zonePrescription(context, { zone, canopyNdvi: canopy(zone.id) }, depletion);
  });
}

/** A zone's Dr: its own balance, else the fusion model's estimate, else its siblings' mean share. */
function zoneDepletion(
  state: FieldBalance['zones'][number],
  tawMm: number,
  fallbacks: { fused: FusedZone | undefined; knownShares: readonly number[] },
): ZoneDepletion {
  const { fused, knownShares } = fallbacks;
  let drMm = state.final.drMm;
  let drSource: ZonePrescription['drSource'] = state.final.source;
  const zoneSteps: ComputationStep[] = [...state.steps];
  let drSdMm: number | null = null;
  if (drMm === null && fused !== undefined) {
    drMm = fused.share * tawMm;
    drSdMm = round(fused.sd * tawMm, 1);
    drSource = 'fusion-model';
    zoneSteps.push({
      name: 'Dr',
      formula:
        `no probe and no balance since sowing: fusion model on ${fused.trainedOn} probed zones ` +
        `of the cooperative, Dr/TAW ${round(fused.share, 3)} +- ${round(fused.sd, 3)} x TAW (+- ${drSdMm} mm)`,
      value: round(drMm, 1),
      unit: 'mm',
      source: fused.model,
    });
  }
  if (drMm === null && knownShares.length > 0) {
    const share = knownShares.reduce((s, v) => s + v, 0) / knownShares.length;
    drMm = share * tawMm;
    drSource = 'sibling-zones';
    zoneSteps.push({
      name: 'Dr',
      formula: `no probe and no balance since sowing: the other zones' mean Dr/TAW ${round(share, 3)} x TAW`,
      value: round(drMm, 1),
      unit: 'mm',
      source: 'sibling zones of the field',
    });
  }
  return { drMm, drSource, drSdMm, steps: zoneSteps };
}

/** One zone's irrigation from its Dr, or why there is none. */
function zonePrescription(
  { input, balance, das, forecast, exactVolumes }: ZoneContext,
  { zone, canopyNdvi }: { zone: ZoneSpec; canopyNdvi: number | undefined },
  depletion: ZoneDepletion,
): ZonePrescription {
  const { field } = input;
  const { et0Today } = balance;
  const supply = waterSupplyOf(field);
  const { drMm, drSource, drSdMm, steps: zoneSteps } = depletion;
  if (drMm === null || et0Today === null || drSource === null) {
    const why =
      et0Today === null
        ? 'no complete day of weather from the station'
        : 'no soil-moisture reading and no weather record since sowing';
    return noZonePrescription(zone, why, zoneSteps);
  }
  const result = zoneIrrigation({
    zoneId: zone.id,
    areaHa: zone.areaHa,
    soil: zone.soil,
    maxRootDepthM: zone.rootDepthM,
    crop: balance.crop,
    daysAfterSowing: das,
    drMm,
    drSource,
    todayIso: balance.today,
    et0Mm: et0Today,
    forecast,
    method: field.irrigationMethod,
    ...(supply === null ? {} : { supply: supply.supply }),
    ...(canopyNdvi === undefined ? {} : { canopyNdvi }),
  });
  exactVolumes.set(zone.id, result.exactVolumeM3);
  return irrigatedZone(zone, result, { drSource, drSdMm, steps: zoneSteps });
}

/** A zone whose Dr or ET0 is unknown: no prescription, and why. */
function noZonePrescription(
  zone: ZoneSpec,
  why: string,
  zoneSteps: ComputationStep[],
): ZonePrescription {
  return {
    zoneId: zone.id,
    areaHa: zone.areaHa,
    action: 'insufficient-data',
    reason: why,
    netDepthMm: 0,
    grossDepthMm: 0,
    volumeM3: 0,
    litres: 0,
    pumpMinutes: null,
    irrigateBy: null,
    urgency: 'none',
    daysBeforeStress: null,
    expectedLossPctPerDayLate: null,
    units: null,
    drMm: null,
    rawMm: null,
    tawMm: null,
    drSource: null,
    summary: `Zone ${zone.id}: no prescription (${why}).`,
    steps: zoneSteps,
  };
}

/** The zone's irrigation as the prescription records it, after the steps that gave its Dr. */
function irrigatedZone(
  zone: ZoneSpec,
  result: ZoneIrrigation,
  depletion: Pick<ZoneDepletion, 'drSdMm' | 'steps'> & { drSource: DepletionSource },
): ZonePrescription {
  const { drSource, drSdMm, steps: zoneSteps } = depletion;
  const value = (name: string) => result.steps.find((s) => s.name === name)?.value ?? null;
  return {
    zoneId: zone.id,
    areaHa: zone.areaHa,
    action: result.action,
    reason: result.reason,
    netDepthMm: result.netDepthMm,
    grossDepthMm: result.grossDepthMm,
    volumeM3: result.volumeM3,
    litres: result.litres,
    pumpMinutes: result.pumpMinutes,
    irrigateBy: result.irrigateBy,
    urgency: result.urgency,
    daysBeforeStress: result.daysBeforeStress,
    expectedLossPctPerDayLate:
      result.expectedLossPctPerDayLate === null ? null : round(result.expectedLossPctPerDayLate, 3),
    units: result.units,
    drMm: value('Dr'),
    rawMm: value('RAW'),
    tawMm: value('TAW'),
    drSource,
    drSdMm,
    summary:
      `Zone ${zone.id}: ${result.summary}` +
      (drSdMm === null ? '' : ` (Dr estimated from similar probed zones, +- ${drSdMm} mm.)`),
    steps: [...zoneSteps, ...result.steps],
  };
}

interface FieldContext {
  input: WaterBalanceRuleInput;
  balance: FieldBalance;
  das: number;
  forecastLabel: string;
  zoneResults: ZonePrescription[];
  exactVolumes: ReadonlyMap<string, number>;
}

/** The field's prescription: the zones summed by area, the summary, and its provenance. */
function fieldPrescription(p: FieldContext): IrrigationPrescription {
  const { input, balance, zoneResults } = p;
  const { field } = input;
  const areaHa = balance.zones.reduce((s, z) => s + z.spec.areaHa, 0);
  const volumeM3 = round(
    zoneResults.reduce((s, z) => s + z.volumeM3, 0),
    1,
  );
  const perArea = (pick: (z: ZonePrescription) => number) =>
    round(zoneResults.reduce((s, z) => s + pick(z) * z.areaHa, 0) / areaHa, 1);
  const feasibility = fieldFeasibility({
    field,
    zones: zoneResults,
    exactVolumes: p.exactVolumes,
    todayIso: balance.today,
    horizonDays: HORIZON_DAYS,
  });
  const urgency = mostUrgent(zoneResults);
  const action = zoneResults.some((z) => z.action === 'irrigate')
    ? 'irrigate'
    : zoneResults.every((z) => z.action === 'insufficient-data')
      ? 'insufficient-data'
      : 'none';
  return {
    id: `${field.id}:${input.asOfMs}:${WATER_BALANCE_RULE.name}@${WATER_BALANCE_RULE.version}`,
    kind: 'irrigation',
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: input.createdAtMs,
    asOfMs: input.asOfMs,
    action,
    netDepthMm: perArea((z) => z.netDepthMm),
    grossDepthMm: perArea((z) => z.grossDepthMm),
    volumeM3,
    method: field.irrigationMethod,
    ...feasibility,
    ...urgency,
    summary: fieldSummary({ field, action, zoneResults, ...feasibility, ...urgency }),
    provenance: provenanceOf(WATER_BALANCE_RULE, {
      parameterSet: input.parameterSet,
      sceneId: input.scene?.sceneId,
      sceneNote: input.sceneNote,
      forecastIssuedAt: input.weatherForecast?.issuedAt,
    }),
    parameters: fieldParameters(p, areaHa),
    inputs: fieldInputs(input),
    steps: balance.steps,
    zones: zoneResults,
  };
}

/** The crop, calendar and efficiency the prescription was computed with, and their sources. */
function fieldParameters(p: FieldContext, areaHa: number): IrrigationPrescription['parameters'] {
  const { field } = p.input;
  const { crop } = p.balance;
  return {
    crop: crop.crop,
    kcSource: crop.kc.source,
    stagesSource: crop.stages?.source ?? 'perennial',
    depletionFraction: crop.depletionFraction,
    depletionFractionSource: crop.source,
    applicationEfficiency: APPLICATION_EFFICIENCY[field.irrigationMethod],
    plantingDate: p.balance.sowing,
    balanceStart: p.balance.start,
    daysAfterSowing: p.das,
    areaHa,
    forecast: p.forecastLabel,
  };
}

/** The readings the balance read: probes, valves and the weather station. */
function fieldInputs(input: WaterBalanceRuleInput): IrrigationPrescription['inputs'] {
  const used = [...input.soil, ...input.status];
  const deviceIds = [
    ...new Set([...input.weather.deviceIds, ...used.map((r) => r.deviceId)]),
  ].sort();
  return {
    fromMs: used.reduce((m, r) => Math.min(m, r.timeMs), input.weather.firstMs ?? input.asOfMs),
    toMs: input.asOfMs + 1,
    readingCount: used.length + input.weather.readingCount,
    deviceIds,
  };
}

/**
 * What the farmer reads: when the supply cannot refill the field in time, what to do first and
 * what is left short; else each zone's depth in the supply's units; and what a day late costs.
 */
function fieldSummary(f: {
  field: Field;
  action: IrrigationPrescription['action'];
  zoneResults: readonly ZonePrescription[];
  feasibility: IrrigationPrescription['feasibility'];
  expectedLossPctPerDayLate?: number | null | undefined;
}): string {
  const { field, action, zoneResults, feasibility } = f;
  if (action === 'none') return `No irrigation needed on ${field.name} today.`;
  if (action === 'insufficient-data') {
    return `No prescription for ${field.name}: ${zoneResults[0]!.reason}.`;
  }
  const loss = f.expectedLossPctPerDayLate;
  const late =
    loss === null || loss === undefined
      ? ''
      : ` Each day late costs about ${round(loss, 2)} % of the attainable yield (FAO-33 Ky).`;
  if (feasibility != null && !feasibility.feasible) {
    return shortSupplySummary(field.name, feasibility) + late;
  }
  const irrigated = zoneResults.filter((z) => z.action === 'irrigate');
  const amount = (z: ZonePrescription) =>
    z.units == null ? `${z.litres} litres` : describeSupplyAmount(z.units);
  return (
    `Irrigate ${field.name} today: ` +
    irrigated.map((z) => `${z.zoneId} ${z.grossDepthMm} mm (${amount(z)})`).join('; ') +
    ` by ${field.irrigationMethod}.` +
    late
  );
}

/** The worker task the water-balance rule runs (and its fusion step runs again). */
export const WATER_BALANCE_TASK = {
  name: 'irrigation.water-balance',
  run: waterBalancePrescription,
} as const;
