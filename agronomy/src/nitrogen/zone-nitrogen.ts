import type { ZoneNitrogen } from '@shamba/schemas';
import type { NProduct } from './fertiliser-products.js';
import { nitrogenRate } from './nitrogen-rate.js';
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
}

/**
 * N per management zone by OSU's SBNRC, against the field's N-rich strip or, without one, its
 * greenest zone (Raun et al. 2005: the response index from the best-looking part of a field
 * when no strip was laid). A field of one zone has no reference: no rate (null for each zone).
 */
export function zoneNitrogen(input: ZoneNitrogenInput): Map<string, ZoneNitrogen | null> {
  const out = new Map<string, ZoneNitrogen | null>(input.zones.map((z) => [z.id, null]));
  const seen = input.zones.filter((z): z is typeof z & { ndvi: number } => z.ndvi !== null);
  const strip = seen.find((z) => z.nRichStrip);
  const best = seen.reduce<(typeof seen)[number] | undefined>(
    (b, z) => (b === undefined || z.ndvi > b.ndvi ? z : b),
    undefined,
  );
  const reference = strip ?? best;
  if (reference === undefined || (strip === undefined && seen.length < 2)) return out;
  for (const zone of seen) {
    if (zone.nRichStrip) continue;
    const rate = nitrogenRate({
      crop: input.crop,
      zoneNdvi: zone.ndvi,
      referenceNdvi: reference.ndvi,
      reference: strip === undefined ? 'best-zone' : 'n-rich-strip',
      growingDays: input.growingDays,
      areaHa: zone.areaHa,
      ...(input.products === undefined ? {} : { products: input.products }),
      ...(input.coefficients === undefined ? {} : { coefficients: input.coefficients }),
    });
    out.set(zone.id, {
      status: rate.status,
      nKgHa: rate.nKgHa,
      sceneId: input.sceneId,
      zoneNdvi: zone.ndvi,
      referenceNdvi: reference.ndvi,
      reference: strip === undefined ? 'best-zone' : 'n-rich-strip',
      growingDays: input.growingDays,
      splits: rate.splits,
      products: rate.products,
      summary: rate.summary,
      steps: rate.steps,
    });
  }
  return out;
}
