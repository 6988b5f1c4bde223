import {
  round,
  type Field,
  type IrrigationFeasibility,
  type IrrigationPrescription,
  type StoredReading,
} from '@shamba/schemas';
import {
  APPLICATION_EFFICIENCY,
  PROBE_LAYERS,
  cropParameters,
  createStepLog,
  type RecordStep,
  depletionFromWaterContent,
  cropDay,
  daysBetween,
  latestPerDevice,
  localDate,
  probeReadingStep,
  STRESS_LOSS_SOURCE,
  yieldLossPerDayLate,
  pumpMinutesFor,
  readilyAvailableWaterMm,
  volumeInSupplyUnits,
  waterSupplyOf,
  rootZoneWaterContent,
  totalAvailableWaterMm,
  type CropParameters,
} from '@shamba/agronomy';
import { provenanceOf } from '../rule.js';
import { shortSupplySummary, supplyFeasibility } from '../water-balance/field-feasibility.js';
import { HORIZON_DAYS } from '../water-balance/zone-irrigation.js';

/**
 * The first irrigation rule: refill the root zone to field capacity once the depletion measured
 * by the soil probes reaches readily available water (FAO-56 chapter 8, the management rule of
 * §8 "irrigation scheduling"). It reads only sensors; the FAO-56 water balance replaces it when a
 * field has weather data and a crop calendar.
 */
export const SOIL_MOISTURE_RULE = { name: 'soil-moisture-refill', version: '1.0.0' } as const;

export interface SoilMoistureRuleInput {
  field: Field;
  /** Soil readings of the field's probes; the newest of each probe is used. */
  readings: readonly StoredReading[];
  /** Window the readings were taken from (recorded as provenance). */
  fromMs: number;
  toMs: number;
  createdAtMs: number;
  /** The cooperative's local time, minutes east of UTC (what "today" is); UTC if absent. */
  utcOffsetMinutes?: number;
  /** A parameter set's crop (defaults to the built-in table for `field.crop`). */
  crop?: CropParameters;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
}

type RootZoneWater = NonNullable<ReturnType<typeof rootZoneWaterContent>>;

/** What the field is told: the action, the depths and volume, and why. */
type RefillDecision = Pick<
  IrrigationPrescription,
  'action' | 'netDepthMm' | 'grossDepthMm' | 'volumeM3' | 'summary'
>;

export function soilMoisturePrescription(input: SoilMoistureRuleInput): IrrigationPrescription {
  const { field } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  const latest = latestPerDevice(input.readings.filter((r) => r.stream === 'soil'));
  const base = prescriptionBase(input, crop, latest);
  // Values are rounded as they are recorded, for display; the arithmetic goes on exactly.
  const { steps, step } = createStepLog({ digitsFor: soilStepDigits, carry: 'exact' });
  const water = rootZoneWaterContent(latest, field.rootDepthM);
  if (water === null) {
    return {
      ...base,
      action: 'insufficient-data',
      netDepthMm: 0,
      grossDepthMm: 0,
      volumeM3: 0,
      summary: 'No soil-moisture readings from this field in the window: no prescription.',
      steps,
    };
  }
  for (const r of latest) steps.push(probeReadingStep(r, 'soil probe, newest reading'));
  const theta = probeSteps(water, latest.length, step);
  const depletion = rootZoneDepletion({ field, crop, theta }, step);
  const { exactVolumeM3, ...decision } = refill({ field, ...depletion }, step);
  const todayIso = localDate(base.asOfMs, input.utcOffsetMinutes ?? 0);
  const stress = fieldStress({ field, crop, todayIso, ...depletion }, step);
  const supply = supplyParts(field, exactVolumeM3);
  const feasibility = fieldFeasibility({ field, decision, exactVolumeM3, todayIso });
  return {
    ...base,
    ...decision,
    ...supply,
    ...stress,
    feasibility,
    summary:
      feasibility === null || feasibility.feasible
        ? decision.summary
        : `${shortSupplySummary(field.name, feasibility)} The root zone is ` +
          `${round(depletion.drMm, 1)} mm below field capacity; the crop is stressed beyond ` +
          `${round(depletion.rawMm, 1)} mm.`,
    steps,
  };
}

/** What the prescription records whatever it says: identity, parameters and inputs. */
function prescriptionBase(
  input: SoilMoistureRuleInput,
  crop: CropParameters,
  latest: readonly StoredReading[],
) {
  const { field } = input;
  const asOfMs = Math.max(input.fromMs, ...latest.map((r) => r.timeMs));
  return {
    id: `${field.id}:${asOfMs}:${SOIL_MOISTURE_RULE.name}@${SOIL_MOISTURE_RULE.version}`,
    kind: 'irrigation' as const,
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: input.createdAtMs,
    asOfMs,
    method: field.irrigationMethod,
    provenance: provenanceOf(SOIL_MOISTURE_RULE, { parameterSet: input.parameterSet }),
    parameters: {
      fieldCapacity: field.soil.fieldCapacity,
      wiltingPoint: field.soil.wiltingPoint,
      rootDepthM: field.rootDepthM,
      depletionFraction: crop.depletionFraction,
      depletionFractionSource: crop.source,
      applicationEfficiency: APPLICATION_EFFICIENCY[field.irrigationMethod],
      areaHa: field.areaHa,
    },
    inputs: {
      fromMs: input.fromMs,
      toMs: input.toMs,
      readingCount: latest.length,
      deviceIds: latest.map((r) => r.deviceId),
    },
  };
}

/** Each probe layer's mean water content, and the root zone's (depth-weighted over Zr). */
function probeSteps(water: RootZoneWater, probeCount: number, step: RecordStep): number {
  PROBE_LAYERS.forEach((layer, i) =>
    step({
      name: `theta_${layer.quantity}`,
      formula: `mean of ${layer.quantity} over ${probeCount} probes (newest each)`,
      value: water.layerMeans[i] ?? null,
      unit: 'm3/m3',
      source: 'sensor readings',
    }),
  );
  return step({
    name: 'theta_root',
    formula: 'depth-weighted mean of the probe layers over Zr',
    value: water.theta,
    unit: 'm3/m3',
    source: 'sensor readings',
  });
}

/** TAW, RAW and the measured depletion Dr (FAO-56 eq. 82, 83 and 87). */
function rootZoneDepletion(
  { field, crop, theta }: { field: Field; crop: CropParameters; theta: number },
  step: RecordStep,
): { drMm: number; rawMm: number; tawMm: number } {
  const { fieldCapacity: fc, wiltingPoint: wp } = field.soil;
  const zr = field.rootDepthM;
  const taw = step({
    name: 'TAW',
    formula: '1000 (theta_FC - theta_WP) Zr',
    value: totalAvailableWaterMm(fc, wp, zr),
    unit: 'mm',
    source: 'FAO-56 eq. 82',
  });
  const rawMm = step({
    name: 'RAW',
    formula: 'p TAW',
    value: readilyAvailableWaterMm(taw, crop.depletionFraction),
    unit: 'mm',
    source: 'FAO-56 eq. 83',
  });
  const drMm = step({
    name: 'Dr',
    formula: '1000 (theta_FC - theta_root) Zr, within [0, TAW]',
    value: Math.min(
      taw,
      depletionFromWaterContent({
        fieldCapacity: fc,
        wiltingPoint: wp,
        waterContent: theta,
        rootDepthM: zr,
      }),
    ),
    unit: 'mm',
    source: 'FAO-56 eq. 87',
  });
  return { drMm, rawMm, tawMm: taw };
}

/** Refill to field capacity once Dr reaches RAW (FAO-56 §8), gross by application efficiency. */
function refill(
  { field, drMm, rawMm }: { field: Field; drMm: number; rawMm: number },
  step: RecordStep,
): RefillDecision & { exactVolumeM3: number } {
  const irrigate = drMm >= rawMm;
  const net = step({
    name: 'net depth',
    formula: irrigate ? 'Dr (refill to field capacity)' : '0 (Dr < RAW: no stress yet)',
    value: irrigate ? drMm : 0,
    unit: 'mm',
    source: 'FAO-56 §8 irrigation scheduling',
  });
  const gross = step({
    name: 'gross depth',
    formula: 'net / Ea',
    value: net / APPLICATION_EFFICIENCY[field.irrigationMethod],
    unit: 'mm',
    source: 'FAO Irrigation Water Management Training Manual 4, §3.2',
  });
  const volume = step({
    name: 'volume',
    formula: 'gross mm x area ha x 10 m3/(ha mm)',
    value: gross * field.areaHa * 10,
    unit: 'm3',
    source: 'unit conversion',
  });
  const [g, v, dr, raw] = [round(gross, 1), round(volume, 1), round(drMm, 1), round(rawMm, 1)];
  const summary = irrigate
    ? `Irrigate ${field.name}: apply ${g} mm by ${field.irrigationMethod} (${v} m3 for ${field.areaHa} ha). ` +
      `The root zone is ${dr} mm below field capacity; the crop is stressed beyond ${raw} mm.`
    : `No irrigation needed on ${field.name}: the root zone is ${dr} mm below field capacity, ` +
      `under the ${raw} mm the crop can use without stress.`;
  return {
    action: irrigate ? 'irrigate' : 'none',
    netDepthMm: round(net, 2),
    grossDepthMm: g,
    volumeM3: v,
    exactVolumeM3: volume,
    summary,
  };
}

/** The volume in the supply's units, and pump minutes whenever the supply has a flow. */
function supplyParts(
  field: Field,
  volumeM3: number,
): Pick<IrrigationPrescription, 'units' | 'pumpMinutes'> {
  const resolved = waterSupplyOf(field);
  if (resolved === null) return { units: null, pumpMinutes: null };
  const units = volumeInSupplyUnits(resolved.supply, volumeM3);
  const minutes = pumpMinutesFor(resolved.supply, volumeM3);
  return {
    units: { ...units, amount: round(units.amount, 1) },
    pumpMinutes: minutes === null ? null : Math.round(minutes),
  };
}

/**
 * How soon, and what a day late costs: past RAW the crop is stressed today (FAO-56 eq. 84), and
 * FAO-33's Ky turns the day's ET shortfall into yield (`yieldLossPerDayLate`).
 */
function fieldStress(
  d: {
    field: Field;
    crop: CropParameters;
    todayIso: string;
    drMm: number;
    rawMm: number;
    tawMm: number;
  },
  step: RecordStep,
): Pick<IrrigationPrescription, 'urgency' | 'expectedLossPctPerDayLate'> {
  if (d.drMm < d.rawMm) return { urgency: 'none', expectedLossPctPerDayLate: null };
  const das = daysBetween(d.field.plantingDate, d.todayIso);
  const loss = yieldLossPerDayLate({
    crop: d.crop,
    daysAfterSowing: das,
    maxRootDepthM: d.field.rootDepthM,
    drMm: d.drMm,
    tawMm: d.tawMm,
    p: d.crop.depletionFraction,
    kc: cropDay(d.crop, das, d.field.rootDepthM).kc,
  });
  step({
    name: 'Ks',
    formula: `(TAW - Dr) / ((1 - p) TAW): ETa/ETc on a day without water`,
    value: loss.ks,
    unit: '',
    source: 'FAO-56 eq. 84',
  });
  const pct = step({
    name: 'yield loss per day late',
    formula: `100 x Ky ${d.crop.ky} x (1 - Ks) x Kc on day ${das} / sum of Kc over the season`,
    value: loss.lossPct,
    unit: '%',
    source: `${STRESS_LOSS_SOURCE}; Ky: ${d.crop.kySource}`,
  });
  return { urgency: 'today', expectedLossPctPerDayLate: round(pct, 3) };
}

/** Whether the supply can deliver the volume today, and the best plan if it cannot. */
function fieldFeasibility(d: {
  field: Field;
  decision: RefillDecision;
  exactVolumeM3: number;
  todayIso: string;
}): IrrigationFeasibility | null {
  const resolved = waterSupplyOf(d.field);
  if (resolved === null || d.decision.action !== 'irrigate') return null;
  return supplyFeasibility({
    resolved,
    todayIso: d.todayIso,
    daysAvailable: 1,
    horizonDays: HORIZON_DAYS,
    demands: [
      {
        zoneId: d.field.id,
        volumeM3: d.exactVolumeM3,
        grossDepthMm: d.decision.grossDepthMm,
        priority: 0,
      },
    ],
  });
}

/** Digits a step's value is shown with: water contents to 4, ratios and % to 3, depths and volumes to 2. */
function soilStepDigits(unit: string): number {
  return unit === 'm3/m3' ? 4 : unit === '' || unit === '%' ? 3 : 2;
}
