import {
  round,
  type ComputationStep,
  type DepletionSource,
  type IrrigationMethod,
  type IrrigationUrgency,
  type SupplyAmount,
  type WaterSupply,
} from '@shamba/schemas';
import {
  createStepLog,
  type RecordStep,
  cropDay,
  stepWaterBalance,
  adjustDepletionFraction,
  readilyAvailableWaterMm,
  totalAvailableWaterMm,
  APPLICATION_EFFICIENCY,
  CANOPY_KC_SOURCE,
  NDVI_BARE_SOIL,
  NDVI_FULL_COVER,
  canopyKc,
  describeSupplyAmount,
  pumpMinutesFor,
  type CropDay,
  type CropParameters,
} from '@shamba/agronomy';
import { dayLateLoss, supplyUnitsStep } from './zone-late-loss.js';

/**
 * Forecast rain within this many days may stand in for irrigation. Waiting costs yield once
 * readily available water is spent: at ETc 5 mm/day, TAW 100 mm and p 0.5, Ks (FAO-56 eq. 84)
 * is 0.9 after one day past RAW and 0.8 after two, so two days is as far as we let a farmer wait.
 */
export const RAIN_WAIT_DAYS = 2;
/** How far ahead the date to irrigate by is projected: a week of forecast. */
export const HORIZON_DAYS = 7;

export interface ZoneIrrigationInput {
  zoneId: string;
  areaHa: number;
  soil: { fieldCapacity: number; wiltingPoint: number };
  /** The deepest the soil lets roots go, m. */
  maxRootDepthM: number;
  crop: CropParameters;
  daysAfterSowing: number;
  /** Root-zone depletion now, mm, and where it came from. */
  drMm: number;
  drSource: DepletionSource;
  /** Today's local date (what `today` means to the farmer). */
  todayIso: string;
  /** Today's ET0 (FAO-56 Penman-Monteith) and the forecast, day 1 = tomorrow. */
  et0Mm: number;
  forecast: readonly { dateIso: string; et0Mm: number; rainMm: number }[];
  method: IrrigationMethod;
  /** The field's water supply where known: the volume is then given in its units. */
  supply?: WaterSupply;
  /**
   * The zone's NDVI in a recent scene: Kc then follows the canopy (`canopyKc`) instead of the
   * calendar, today and over the forecast (a week's growth is within a scene's uncertainty).
   */
  canopyNdvi?: number;
}

export interface ZoneIrrigation {
  zoneId: string;
  action: 'irrigate' | 'none';
  reason: 'depletion-above-raw' | 'rain-covers' | 'not-yet';
  netDepthMm: number;
  grossDepthMm: number;
  volumeM3: number;
  litres: number;
  pumpMinutes: number | null;
  /** Date by which to irrigate (Dr reaches RAW), or null beyond the forecast horizon. */
  irrigateBy: string | null;
  urgency: IrrigationUrgency;
  /** Days before Dr reaches RAW: 0 when past it, null beyond the forecast horizon. */
  daysBeforeStress: number | null;
  /** Yield lost per day of delay, % of Ym, while Dr is past RAW (FAO-56 eq. 84, FAO-33). */
  expectedLossPctPerDayLate: number | null;
  /** The gross volume in the supply's units, or null without a known supply. */
  units: SupplyAmount | null;
  /** The gross volume before it is rounded for display, m3 (for the field's sums and plan). */
  exactVolumeM3: number;
  summary: string;
  steps: ComputationStep[];
}

/** A zone's root zone today, each figure as its step recorded it. */
interface RootZoneToday {
  kc: number;
  /** Kc follows the canopy, and so stays as it is over the forecast. */
  kcFromCanopy: boolean;
  etcMm: number;
  tawMm: number;
  p: number;
  rawMm: number;
  drMm: number;
}

/** Dr at the end of a forecast day, without irrigation. */
interface ProjectedDay {
  dateIso: string;
  drMm: number;
  rainMm: number;
}

/** What the zone is told: everything but its id and the steps. */
type ZoneDecision = Omit<ZoneIrrigation, 'zoneId' | 'steps'>;

/**
 * Irrigation for one zone by FAO-56 chapter 8: refill the root zone to field capacity (net depth
 * = Dr) once Dr reaches RAW, unless the forecast rain brings Dr back below RAW within
 * `RAIN_WAIT_DAYS`; otherwise the date Dr will reach RAW under the forecast.
 */
export function zoneIrrigation(input: ZoneIrrigationInput): ZoneIrrigation {
  // Values are rounded as they are recorded, for display; the arithmetic goes on exactly.
  const { steps, step } = createStepLog({ digitsFor: stepDigits, carry: 'exact' });
  const zone = rootZoneToday(input, step);
  const path = projectDepletion(input, zone);
  const base = { zoneId: input.zoneId, steps };
  if (zone.drMm >= zone.rawMm) {
    const relief = rainRelief(path, zone.rawMm);
    const loss = dayLateLoss(input, zone, step);
    const decision =
      relief === undefined ? refill(input, zone, step) : rainCovers(zone, relief, step);
    const lateNote =
      decision.urgency === 'today'
        ? ` Each day late costs about ${round(loss, 2)} % of the attainable yield (FAO-33 Ky).`
        : '';
    return {
      ...base,
      ...decision,
      summary: decision.summary + lateNote,
      daysBeforeStress: 0,
      expectedLossPctPerDayLate: loss,
    };
  }
  return { ...base, ...notYet(zone, path) };
}

/** Kc, ETc, TAW, p, RAW and Dr today (FAO-56 ch. 8), each a recorded step. */
function rootZoneToday(input: ZoneIrrigationInput, step: RecordStep): RootZoneToday {
  const today = cropDay(input.crop, input.daysAfterSowing, input.maxRootDepthM);
  const { kc, kcFromCanopy } = cropCoefficient(input, today, step);
  const etcMm = step({
    name: 'ETc',
    formula: `ET0 ${round(input.et0Mm, 2)} mm x Kc ${round(kc, 3)}`,
    value: input.et0Mm * kc,
    unit: 'mm/day',
    source: 'FAO-56 eq. 58',
  });
  const zr = step({
    name: 'Zr',
    formula: 'root depth on this day',
    value: today.rootDepthM,
    unit: 'm',
    source: 'FAO-56 ch. 8, root depth',
  });
  const { fieldCapacity: fc, wiltingPoint: wp } = input.soil;
  const tawMm = step({
    name: 'TAW',
    formula: `1000 (${fc} - ${wp}) x Zr ${round(zr, 3)} m`,
    value: totalAvailableWaterMm(fc, wp, zr),
    unit: 'mm',
    source: 'FAO-56 eq. 82',
  });
  const p = step({
    name: 'p',
    formula: `${input.crop.depletionFraction} + 0.04 (5 - ETc ${round(etcMm, 2)})`,
    value: adjustDepletionFraction(input.crop.depletionFraction, etcMm),
    unit: '',
    source: `${input.crop.source}; footnote`,
  });
  const rawMm = step({
    name: 'RAW',
    formula: `p ${round(p, 3)} x TAW ${round(tawMm, 1)} mm`,
    value: readilyAvailableWaterMm(tawMm, p),
    unit: 'mm',
    source: 'FAO-56 eq. 83',
  });
  const drMm = step({
    name: 'Dr',
    formula: `root-zone depletion from ${input.drSource}`,
    value: Math.min(tawMm, input.drMm),
    unit: 'mm',
    source: input.drSource === 'sensor' ? 'FAO-56 eq. 87' : 'FAO-56 eq. 85',
  });
  return { kc, kcFromCanopy, etcMm, tawMm, p, rawMm, drMm };
}

/** Kc from the canopy's NDVI where a recent scene gives it, else from the crop calendar. */
function cropCoefficient(
  input: ZoneIrrigationInput,
  today: CropDay,
  step: RecordStep,
): { kc: number; kcFromCanopy: boolean } {
  const ndvi = input.canopyNdvi;
  // Perennials keep their table Kc: their NDVI mixes crop, shade trees and inter-row cover.
  if (ndvi === undefined || input.crop.stages === null) {
    const kc = step({
      name: 'Kc',
      formula: `${today.stage}, day ${input.daysAfterSowing} after sowing`,
      value: today.kc,
      unit: '',
      source: `${input.crop.kc.source}; FAO-56 eq. 66`,
    });
    return { kc, kcFromCanopy: false };
  }
  const kc = step({
    name: 'Kc',
    formula: `canopy: ${input.crop.kc.ini} + (${input.crop.kc.mid} - ${input.crop.kc.ini}) x (NDVI ${round(ndvi, 3)} - ${NDVI_BARE_SOIL}) / (${NDVI_FULL_COVER} - ${NDVI_BARE_SOIL}), within [Kc ini, Kc mid]`,
    value: canopyKc(input.crop, ndvi),
    unit: '',
    source: CANOPY_KC_SOURCE,
  });
  return { kc, kcFromCanopy: true };
}

/** The balance projected over the forecast without irrigation (FAO-56 eq. 85). */
function projectDepletion(input: ZoneIrrigationInput, zone: RootZoneToday): ProjectedDay[] {
  let projected = zone.drMm;
  return input.forecast.slice(0, HORIZON_DAYS).map((day, i) => {
    const d = cropDay(input.crop, input.daysAfterSowing + i + 1, input.maxRootDepthM);
    projected = stepWaterBalance({
      drPreviousMm: projected,
      et0Mm: day.et0Mm,
      kc: zone.kcFromCanopy ? zone.kc : d.kc,
      rainMm: day.rainMm,
      irrigationMm: 0,
      tawMm: zone.tawMm,
      depletionFraction: zone.p,
    }).drMm;
    return { dateIso: day.dateIso, drMm: projected, rainMm: day.rainMm };
  });
}

/** The rain of the next `RAIN_WAIT_DAYS`, if it brings Dr back below RAW on one of them. */
function rainRelief(
  path: readonly ProjectedDay[],
  rawMm: number,
): { rainMm: number; relieved: ProjectedDay } | undefined {
  const wait = path.slice(0, RAIN_WAIT_DAYS);
  const relieved = wait.find((d) => d.drMm < rawMm);
  if (relieved === undefined) return undefined;
  return { rainMm: wait.reduce((s, d) => s + d.rainMm, 0), relieved };
}

/** Dr is past RAW, but the forecast rain refills the root zone soon enough: wait for it. */
function rainCovers(
  zone: RootZoneToday,
  { rainMm, relieved }: { rainMm: number; relieved: ProjectedDay },
  step: RecordStep,
): Omit<ZoneDecision, 'daysBeforeStress' | 'expectedLossPctPerDayLate'> {
  step({
    name: 'forecast rain',
    formula: `rain in the next ${RAIN_WAIT_DAYS} days; Dr falls to ${round(relieved.drMm, 1)} mm < RAW on ${relieved.dateIso}`,
    value: rainMm,
    unit: 'mm',
    source: 'FAO-56 eq. 85 over the forecast',
  });
  return {
    action: 'none',
    reason: 'rain-covers',
    ...zero(),
    irrigateBy: null,
    urgency: 'wait-for-rain',
    summary: `No irrigation: Dr ${round(zone.drMm, 1)} mm > RAW ${round(zone.rawMm, 1)} mm, but ${round(rainMm, 1)} mm of rain is forecast by ${relieved.dateIso}.`,
  };
}

/** Dr is past RAW: refill to field capacity, net depth Dr (FAO-56 ch. 8), gross by efficiency. */
function refill(
  input: ZoneIrrigationInput,
  zone: RootZoneToday,
  step: RecordStep,
): Omit<ZoneDecision, 'daysBeforeStress' | 'expectedLossPctPerDayLate'> {
  const { method, supply } = input;
  const efficiency = APPLICATION_EFFICIENCY[method];
  const net = step({
    name: 'net depth',
    formula: 'Dr (refill to field capacity)',
    value: zone.drMm,
    unit: 'mm',
    source: 'FAO-56 ch. 8, irrigation scheduling',
  });
  const gross = step({
    name: 'gross depth',
    formula: `net / Ea ${efficiency} (${method})`,
    value: net / efficiency,
    unit: 'mm',
    source: 'FAO Irrigation Water Management Training Manual 4, §3.2',
  });
  const volume = step({
    name: 'volume',
    formula: `gross mm x ${input.areaHa} ha x 10`,
    value: gross * input.areaHa * 10,
    unit: 'm3',
    source: 'unit conversion',
  });
  const units = supply === undefined ? null : supplyUnitsStep(supply, volume, step);
  const minutes = supply === undefined ? null : pumpMinutesFor(supply, volume);
  const litres = Math.round(volume * 1000);
  return {
    action: 'irrigate',
    reason: 'depletion-above-raw',
    netDepthMm: round(net, 1),
    grossDepthMm: round(gross, 1),
    volumeM3: round(volume, 1),
    exactVolumeM3: volume,
    litres,
    pumpMinutes: minutes === null ? null : Math.round(minutes),
    irrigateBy: input.todayIso,
    urgency: 'today',
    units: units === null ? null : { ...units, amount: round(units.amount, 1) },
    summary:
      `ET0 ${round(input.et0Mm, 1)} mm x Kc ${round(zone.kc, 2)} = ETc ${round(zone.etcMm, 1)} mm/day; ` +
      `Dr ${round(zone.drMm, 1)} mm > RAW ${round(zone.rawMm, 1)} mm -> irrigate today ` +
      `${round(net, 1)} mm net, ${round(gross, 1)} mm gross by ${method} (${litres} litres` +
      (units === null ? ')' : `, ${describeSupplyAmount(units)})`) +
      '.',
  };
}

/** Dr is below RAW: no irrigation yet, and the forecast day on which Dr reaches RAW. */
function notYet(zone: RootZoneToday, path: readonly ProjectedDay[]): ZoneDecision {
  const index = path.findIndex((d) => d.drMm >= zone.rawMm);
  const irrigateBy = index < 0 ? null : path[index]!.dateIso;
  return {
    action: 'none',
    reason: 'not-yet',
    ...zero(),
    irrigateBy,
    urgency: irrigateBy === null ? 'none' : 'by-date',
    daysBeforeStress: index < 0 ? null : index + 1,
    expectedLossPctPerDayLate: null,
    summary:
      `No irrigation yet: Dr ${round(zone.drMm, 1)} mm < RAW ${round(zone.rawMm, 1)} mm; ` +
      (irrigateBy === null
        ? `not reached within ${path.length} days of forecast.`
        : `irrigate by ${irrigateBy}.`),
  };
}

function zero() {
  return {
    netDepthMm: 0,
    grossDepthMm: 0,
    volumeM3: 0,
    litres: 0,
    pumpMinutes: null,
    units: null,
    exactVolumeM3: 0,
  };
}

/** Digits a step's value is shown with: ratios and depths in m to 3, a yield loss to 3, else 1. */
function stepDigits(unit: string): number {
  return unit === '' || unit === 'm' || unit === '%' ? 3 : 1;
}
