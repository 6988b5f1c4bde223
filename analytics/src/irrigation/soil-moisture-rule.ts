import { round, type Field, type Prescription, type StoredReading } from '@shamba/schemas';
import {
  APPLICATION_EFFICIENCY,
  PROBE_LAYERS,
  cropParameters,
  createStepLog,
  depletionFromWaterContent,
  latestPerDevice,
  readilyAvailableWaterMm,
  rootZoneWaterContent,
  totalAvailableWaterMm,
  type CropParameters,
} from '@shamba/agronomy';

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

export function soilMoisturePrescription(input: SoilMoistureRuleInput): Prescription {
  const { field } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  const efficiency = APPLICATION_EFFICIENCY[field.irrigationMethod];
  const latest = latestPerDevice(input.readings.filter((r) => r.stream === 'soil'));
  const asOfMs = Math.max(input.fromMs, ...latest.map((r) => r.timeMs));
  const base = {
    id: `${field.id}:${asOfMs}:${SOIL_MOISTURE_RULE.name}@${SOIL_MOISTURE_RULE.version}`,
    kind: 'irrigation' as const,
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: input.createdAtMs,
    asOfMs,
    method: field.irrigationMethod,
    rule: { ...SOIL_MOISTURE_RULE },
    parameters: {
      fieldCapacity: field.soil.fieldCapacity,
      wiltingPoint: field.soil.wiltingPoint,
      rootDepthM: field.rootDepthM,
      depletionFraction: crop.depletionFraction,
      depletionFractionSource: crop.source,
      applicationEfficiency: efficiency,
      areaHa: field.areaHa,
      parameterSet: input.parameterSet ?? 'built-in',
    },
    inputs: {
      fromMs: input.fromMs,
      toMs: input.toMs,
      readingCount: latest.length,
      deviceIds: latest.map((r) => r.deviceId),
    },
  };

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
  PROBE_LAYERS.forEach((layer, i) =>
    step(
      `theta_${layer.quantity}`,
      `mean of ${layer.quantity} over ${latest.length} probes (newest each)`,
      round(water.layerMeans[i] ?? null, 4),
      'm3/m3',
      'sensor readings',
    ),
  );
  const theta = step(
    'theta_root',
    'depth-weighted mean of the probe layers over Zr',
    round(water.theta, 4),
    'm3/m3',
    'sensor readings',
  );
  const { fieldCapacity: fc, wiltingPoint: wp } = field.soil;
  const zr = field.rootDepthM;
  const taw = step(
    'TAW',
    '1000 (theta_FC - theta_WP) Zr',
    round(totalAvailableWaterMm(fc, wp, zr), 2),
    'mm',
    'FAO-56 eq. 82',
  );
  const raw = step(
    'RAW',
    'p TAW',
    round(readilyAvailableWaterMm(taw, crop.depletionFraction), 2),
    'mm',
    'FAO-56 eq. 83',
  );
  const dr = step(
    'Dr',
    '1000 (theta_FC - theta_root) Zr, within [0, TAW]',
    round(
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
    'mm',
    'FAO-56 eq. 87',
  );
  const irrigate = dr >= raw;
  const net = step(
    'net depth',
    irrigate ? 'Dr (refill to field capacity)' : '0 (Dr < RAW: no stress yet)',
    irrigate ? dr : 0,
    'mm',
    'FAO-56 §8 irrigation scheduling',
  );
  const gross = step(
    'gross depth',
    'net / Ea',
    round(net / efficiency, 1),
    'mm',
    'FAO Irrigation Water Management Training Manual 4, §3.2',
  );
  const volume = step(
    'volume',
    'gross mm x area ha x 10 m3/(ha mm)',
    round(gross * field.areaHa * 10, 1),
    'm3',
    'unit conversion',
  );

  const summary = irrigate
    ? `Irrigate ${field.name}: apply ${gross} mm by ${field.irrigationMethod} (${volume} m3 for ${field.areaHa} ha). ` +
      `The root zone is ${dr} mm below field capacity; the crop is stressed beyond ${raw} mm.`
    : `No irrigation needed on ${field.name}: the root zone is ${dr} mm below field capacity, ` +
      `under the ${raw} mm the crop can use without stress.`;
  return {
    ...base,
    action: irrigate ? 'irrigate' : 'none',
    netDepthMm: net,
    grossDepthMm: gross,
    volumeM3: volume,
    summary,
    steps,
  };
}
