import {
  round,
  type Field,
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
  latestPerDevice,
  readilyAvailableWaterMm,
  rootZoneWaterContent,
  totalAvailableWaterMm,
  type CropParameters,
} from '@shamba/agronomy';
import { provenanceOf } from '../rule.js';

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
  /** A parameter set's crop (defaults to the built-in table for `field.crop`). */
  crop?: CropParameters;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
}

/** Records one step of the explanation and returns the value to go on with. */

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
  const { steps, step } = createStepLog();
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
  const theta = probeSteps(water, latest.length, step);
  const depletion = rootZoneDepletion({ field, crop, theta }, step);
  return { ...base, ...refill({ field, ...depletion }, step), steps };
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
      value: round(water.layerMeans[i] ?? null, 4),
      unit: 'm3/m3',
      source: 'sensor readings',
    }),
  );
  return step({
    name: 'theta_root',
    formula: 'depth-weighted mean of the probe layers over Zr',
    value: round(water.theta, 4),
    unit: 'm3/m3',
    source: 'sensor readings',
  });
}

/** TAW, RAW and the measured depletion Dr (FAO-56 eq. 82, 83 and 87). */
function rootZoneDepletion(
  { field, crop, theta }: { field: Field; crop: CropParameters; theta: number },
  step: RecordStep,
): { drMm: number; rawMm: number } {
  const { fieldCapacity: fc, wiltingPoint: wp } = field.soil;
  const zr = field.rootDepthM;
  const taw = step({
    name: 'TAW',
    formula: '1000 (theta_FC - theta_WP) Zr',
    value: round(totalAvailableWaterMm(fc, wp, zr), 2),
    unit: 'mm',
    source: 'FAO-56 eq. 82',
  });
  const rawMm = step({
    name: 'RAW',
    formula: 'p TAW',
    value: round(readilyAvailableWaterMm(taw, crop.depletionFraction), 2),
    unit: 'mm',
    source: 'FAO-56 eq. 83',
  });
  const drMm = step({
    name: 'Dr',
    formula: '1000 (theta_FC - theta_root) Zr, within [0, TAW]',
    value: round(
      Math.min(
        taw,
        depletionFromWaterContent({
          fieldCapacity: fc,
          wiltingPoint: wp,
          waterContent: theta,
          rootDepthM: zr,
        }),
      ),
      2,
    ),
    unit: 'mm',
    source: 'FAO-56 eq. 87',
  });
  return { drMm, rawMm };
}

/** Refill to field capacity once Dr reaches RAW (FAO-56 §8), gross by application efficiency. */
function refill(
  { field, drMm, rawMm }: { field: Field; drMm: number; rawMm: number },
  step: RecordStep,
): RefillDecision {
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
    value: round(net / APPLICATION_EFFICIENCY[field.irrigationMethod], 1),
    unit: 'mm',
    source: 'FAO Irrigation Water Management Training Manual 4, §3.2',
  });
  const volume = step({
    name: 'volume',
    formula: 'gross mm x area ha x 10 m3/(ha mm)',
    value: round(gross * field.areaHa * 10, 1),
    unit: 'm3',
    source: 'unit conversion',
  });
  const summary = irrigate
    ? `Irrigate ${field.name}: apply ${gross} mm by ${field.irrigationMethod} (${volume} m3 for ${field.areaHa} ha). ` +
      `The root zone is ${drMm} mm below field capacity; the crop is stressed beyond ${rawMm} mm.`
    : `No irrigation needed on ${field.name}: the root zone is ${drMm} mm below field capacity, ` +
      `under the ${rawMm} mm the crop can use without stress.`;
  return {
    action: irrigate ? 'irrigate' : 'none',
    netDepthMm: net,
    grossDepthMm: gross,
    volumeM3: volume,
    summary,
  };
}
