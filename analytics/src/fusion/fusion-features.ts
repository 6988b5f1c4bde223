/**
 * The inputs of the soil-water fusion model (see `soil-water-fusion.ts`), TF.js-free so the
 * prescription service can build rows without loading TF.js in the main thread.
 */
export const FUSION_FEATURES = [
  'ndvi',
  'ndmi',
  'fieldCapacity',
  'wiltingPoint',
  'rootDepthM',
  'kc',
] as const;

/** Fewer probed zones than this in a cooperative and no model is fitted. */
export const MIN_FUSION_ZONES = 5;

export interface FusionRow {
  /** In FUSION_FEATURES order; ndmi may be null (no SWIR band): the training mean stands in. */
  x: (number | null)[];
}

export function fusionRow(input: {
  ndvi: number;
  ndmi: number | null;
  soil: { fieldCapacity: number; wiltingPoint: number };
  rootDepthM: number;
  kc: number;
}): FusionRow {
  return {
    x: [
      input.ndvi,
      input.ndmi,
      input.soil.fieldCapacity,
      input.soil.wiltingPoint,
      input.rootDepthM,
      input.kc,
    ],
  };
}
