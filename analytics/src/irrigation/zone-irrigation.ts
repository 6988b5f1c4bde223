import {
  round,
  type ComputationStep,
  type DepletionSource,
  type IrrigationMethod,
} from '@shamba/schemas';
import {
  createStepLog,
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
  type CropParameters,
} from '@shamba/agronomy';

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
  /** Today's ET0 (FAO-56 Penman-Monteith) and the forecast, day 1 = tomorrow. */
  et0Mm: number;
  forecast: readonly { dateIso: string; et0Mm: number; rainMm: number }[];
  method: IrrigationMethod;
  /** Pump discharge where known, m3/h. */
  pumpFlowM3h?: number;
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
  summary: string;
  steps: ComputationStep[];
}

/**
 * Irrigation for one zone by FAO-56 chapter 8: refill the root zone to field capacity (net depth
 * = Dr) once Dr reaches RAW, unless the forecast rain brings Dr back below RAW within
 * `RAIN_WAIT_DAYS`; otherwise the date Dr will reach RAW under the forecast.
 */
export function zoneIrrigation(input: ZoneIrrigationInput): ZoneIrrigation {
  const { steps, step } = createStepLog({ digitsFor: (unit) => (unit === '' ? 3 : 1) });
  const today = cropDay(input.crop, input.daysAfterSowing, input.maxRootDepthM);
  const ndvi = input.canopyNdvi;
  // Perennials keep their table Kc: their NDVI mixes crop, shade trees and inter-row cover.
  const fromCanopy = ndvi !== undefined && input.crop.stages !== null;
  const kc = fromCanopy
    ? step(
        'Kc',
        `canopy: ${input.crop.kc.ini} + (${input.crop.kc.mid} - ${input.crop.kc.ini}) x (NDVI ${round(ndvi, 3)} - ${NDVI_BARE_SOIL}) / (${NDVI_FULL_COVER} - ${NDVI_BARE_SOIL}), within [Kc ini, Kc mid]`,
        canopyKc(input.crop, ndvi),
        '',
        CANOPY_KC_SOURCE,
      )
    : step(
        'Kc',
        `${today.stage}, day ${input.daysAfterSowing} after sowing`,
        today.kc,
        '',
        `${input.crop.kc.source}; FAO-56 eq. 66`,
      );
  const etc = step(
    'ETc',
    `ET0 ${round(input.et0Mm, 1)} mm x Kc ${kc}`,
    input.et0Mm * kc,
    'mm/day',
    'FAO-56 eq. 58',
  );
  const zr = step(
    'Zr',
    'root depth on this day',
    today.rootDepthM,
    'm',
    'FAO-56 ch. 8, root depth',
  );
  const { fieldCapacity: fc, wiltingPoint: wp } = input.soil;
  const taw = step(
    'TAW',
    `1000 (${fc} - ${wp}) x ${zr}`,
    totalAvailableWaterMm(fc, wp, zr),
    'mm',
    'FAO-56 eq. 82',
  );
  const p = step(
    'p',
    `${input.crop.depletionFraction} + 0.04 (5 - ETc)`,
    adjustDepletionFraction(input.crop.depletionFraction, etc),
    '',
    `${input.crop.source}; footnote`,
  );
  const raw = step('RAW', 'p x TAW', readilyAvailableWaterMm(taw, p), 'mm', 'FAO-56 eq. 83');
  const dr = step(
    'Dr',
    `root-zone depletion from ${input.drSource}`,
    Math.min(taw, input.drMm),
    'mm',
    input.drSource === 'sensor' ? 'FAO-56 eq. 87' : 'FAO-56 eq. 85',
  );

  // Project the balance over the forecast without irrigation (FAO-56 eq. 85).
  let projected = dr;
  const path = input.forecast.slice(0, HORIZON_DAYS).map((day, i) => {
    const d = cropDay(input.crop, input.daysAfterSowing + i + 1, input.maxRootDepthM);
    projected = stepWaterBalance({
      drPreviousMm: projected,
      et0Mm: day.et0Mm,
      kc: fromCanopy ? kc : d.kc,
      rainMm: day.rainMm,
      irrigationMm: 0,
      tawMm: taw,
      depletionFraction: p,
    }).drMm;
    return { dateIso: day.dateIso, drMm: projected, rainMm: day.rainMm };
  });

  const method = input.method;
  const efficiency = APPLICATION_EFFICIENCY[method];
  const base = { zoneId: input.zoneId, steps };
  if (dr >= raw) {
    const wait = path.slice(0, RAIN_WAIT_DAYS);
    const rainMm = wait.reduce((s, d) => s + d.rainMm, 0);
    const relieved = wait.find((d) => d.drMm < raw);
    if (relieved !== undefined) {
      step(
        'forecast rain',
        `rain in the next ${RAIN_WAIT_DAYS} days; Dr falls to ${round(relieved.drMm, 1)} mm < RAW on ${relieved.dateIso}`,
        rainMm,
        'mm',
        'FAO-56 eq. 85 over the forecast',
      );
      return {
        ...base,
        action: 'none',
        reason: 'rain-covers',
        ...zero(),
        irrigateBy: null,
        summary: `No irrigation: Dr ${dr} mm > RAW ${raw} mm, but ${round(rainMm, 1)} mm of rain is forecast by ${relieved.dateIso}.`,
      };
    }
    const net = step(
      'net depth',
      'Dr (refill to field capacity)',
      dr,
      'mm',
      'FAO-56 ch. 8, irrigation scheduling',
    );
    const gross = step(
      'gross depth',
      `net / Ea ${efficiency} (${method})`,
      net / efficiency,
      'mm',
      'FAO Irrigation Water Management Training Manual 4, §3.2',
    );
    const volume = step(
      'volume',
      `gross mm x ${input.areaHa} ha x 10`,
      gross * input.areaHa * 10,
      'm3',
      'unit conversion',
    );
    const pumpMinutes =
      input.pumpFlowM3h === undefined
        ? null
        : step(
            'pump time',
            `volume / ${input.pumpFlowM3h} m3/h x 60`,
            (volume / input.pumpFlowM3h) * 60,
            'min',
            'unit conversion',
          );
    return {
      ...base,
      action: 'irrigate',
      reason: 'depletion-above-raw',
      netDepthMm: net,
      grossDepthMm: gross,
      volumeM3: volume,
      litres: Math.round(volume * 1000),
      pumpMinutes: pumpMinutes === null ? null : Math.round(pumpMinutes),
      irrigateBy: input.forecast[0]?.dateIso ?? null,
      summary:
        `ET0 ${round(input.et0Mm, 1)} mm x Kc ${kc} = ETc ${etc} mm/day; Dr ${dr} mm > RAW ${raw} mm -> ` +
        `irrigate ${net} mm net, ${gross} mm gross by ${method} (${Math.round(volume * 1000)} litres` +
        (pumpMinutes === null ? ')' : `, ${Math.round(pumpMinutes)} min of pumping)`) +
        '.',
    };
  }
  const reaches = path.find((d) => d.drMm >= raw);
  const irrigateBy = reaches?.dateIso ?? null;
  return {
    ...base,
    action: 'none',
    reason: 'not-yet',
    ...zero(),
    irrigateBy,
    summary:
      `No irrigation yet: Dr ${dr} mm < RAW ${raw} mm; ` +
      (irrigateBy === null
        ? `not reached within ${path.length} days of forecast.`
        : `irrigate by ${irrigateBy}.`),
  };
}

function zero() {
  return { netDepthMm: 0, grossDepthMm: 0, volumeM3: 0, litres: 0, pumpMinutes: null };
}
