import type { ZoneNitrogen } from '@shamba/schemas';
import type { NProduct } from './fertiliser-products.js';
import { nitrogenRate, type NitrogenRate } from './nitrogen-rate.js';
import type { SbnrcCoefficients } from './sbnrc-coefficients.js';

/** A scene older than this no longer says how green the crop is now: no N rate from it. */
export const N_SCENE_MAX_AGE_DAYS = 10;

export interface ZoneNitrogenInput {
  crop: string;
  sceneId: string;
  /** Each zone's mean NDVI in the scene (null: cloudy over the zone). */
  zones: readonly { id: string; areaHa: number; ndvi: number | null; nRichStrip: boolean }[];
  /** Days from sowing to the scene with GDD = (Tmax + Tmin)/2 − 4.4 °C above 0. */
  growingDays: number;
  products?: readonly NProduct[];
  coefficients?: SbnrcCoefficients;
  /** N applied on or after the scene's date, kg N/ha: comes off every zone's rate. */
  appliedSinceSensingKgHa?: number;
  /** What is left of the season's N budget, kg N/ha: no zone's rate passes it. */
  budgetRemainingKgHa?: number | null;
}

/** A zone's rate by the sensor (the reference's 0 included), or why the sensor gives none. */
export type ZoneSensorRate = { rate: ZoneNitrogen } | { noSensorRate: string };

/** What the sensor cannot rate: the crop's N budget decides instead. */
const NOT_SENSED: ReadonlySet<NitrogenRate['status']> = new Set([
  'too-early',
  'too-late',
  'unsupported-crop',
  'out-of-range',
]);

/**
 * N per management zone by OSU's SBNRC, against the field's N-rich strip or, without one, its
 * greenest zone (Raun et al. 2005: the response index from the best-looking part of a field
 * when no strip was laid). The reference itself needs no N by its own response index: 0. A
 * cloudy zone, a field of one zone without a strip, a crop outside its sensing window or without
 * a calibration: no sensor rate, and why.
 */
export function zoneNitrogen(input: ZoneNitrogenInput): Map<string, ZoneSensorRate> {
  const out = new Map<string, ZoneSensorRate>();
  const seen = input.zones.filter((z): z is typeof z & { ndvi: number } => z.ndvi !== null);
  const strip = seen.find((z) => z.nRichStrip);
  const best = seen.reduce<(typeof seen)[number] | undefined>(
    (b, z) => (b === undefined || z.ndvi > b.ndvi ? z : b),
    undefined,
  );
  const reference = strip ?? best;
  const kind = strip === undefined ? 'best-zone' : 'n-rich-strip';
  for (const zone of input.zones) {
    if (zone.ndvi === null) {
      const why = zone.nRichStrip
        ? `the N-rich strip is cloudy in scene ${input.sceneId}`
        : `cloudy over the zone in scene ${input.sceneId}`;
      out.set(zone.id, { noSensorRate: why });
      continue;
    }
    if (reference === undefined || (strip === undefined && seen.length < 2)) {
      out.set(zone.id, {
        noSensorRate: 'one zone seen and no N-rich strip: nothing to compare it with',
      });
      continue;
    }
    const rate = nitrogenRate({
      crop: input.crop,
      zoneNdvi: zone.ndvi,
      referenceNdvi: reference.ndvi,
      reference: kind,
      growingDays: input.growingDays,
      areaHa: zone.areaHa,
      appliedSinceSensingKgHa: input.appliedSinceSensingKgHa ?? 0,
      budgetRemainingKgHa: input.budgetRemainingKgHa ?? null,
      ...(input.products === undefined ? {} : { products: input.products }),
      ...(input.coefficients === undefined ? {} : { coefficients: input.coefficients }),
    });
    if (NOT_SENSED.has(rate.status)) {
      out.set(zone.id, { noSensorRate: rate.summary });
      continue;
    }
    const isReference = zone.id === reference.id && rate.status !== 'legume';
    out.set(zone.id, {
      rate: {
        status: isReference ? 'reference' : rate.status,
        nKgHa: isReference ? 0 : rate.nKgHa,
        sceneId: input.sceneId,
        zoneNdvi: zone.ndvi,
        referenceNdvi: reference.ndvi,
        reference: kind,
        growingDays: input.growingDays,
        splits: isReference ? [] : rate.splits,
        products: isReference ? [] : rate.products,
        summary: isReference ? referenceSummary(kind) : rate.summary,
        steps: rate.steps,
      },
    });
  }
  return out;
}

function referenceSummary(kind: 'best-zone' | 'n-rich-strip'): string {
  return kind === 'n-rich-strip'
    ? 'No N: the N-rich strip, the reference the other zones are read against (response index 1).'
    : 'No N: the greenest zone, the reference the other zones are read against (response index 1).';
}
