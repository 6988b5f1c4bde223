/**
 * Crop parameters for the water balance. `depletionFraction` is p, the share of total available
 * water a crop can extract before it is stressed, from FAO-56 Table 22 (Allen et al. 1998) for
 * ETc of about 5 mm/day. Teff is not in Table 22; 0.5 is an assumption (a fine-rooted cereal
 * between wheat's 0.55 and the more sensitive vegetables) until an agronomist sets it.
 */
export interface CropParameters {
  depletionFraction: number;
  source: string;
}

export const CROP_PARAMETERS: Record<string, CropParameters> = {
  maize: { depletionFraction: 0.55, source: 'FAO-56 Table 22, maize (grain)' },
  wheat: { depletionFraction: 0.55, source: 'FAO-56 Table 22, wheat (spring)' },
  sorghum: { depletionFraction: 0.55, source: 'FAO-56 Table 22, sorghum (grain)' },
  soybean: { depletionFraction: 0.5, source: 'FAO-56 Table 22, soybeans' },
  beans: { depletionFraction: 0.45, source: 'FAO-56 Table 22, beans (dry)' },
  coffee: { depletionFraction: 0.4, source: 'FAO-56 Table 22, coffee' },
  cotton: { depletionFraction: 0.65, source: 'FAO-56 Table 22, cotton' },
  sugarcane: { depletionFraction: 0.65, source: 'FAO-56 Table 22, sugar cane' },
  rice: { depletionFraction: 0.2, source: 'FAO-56 Table 22, rice' },
  teff: { depletionFraction: 0.5, source: 'assumed; teff is not in FAO-56 Table 22' },
};

/** Used for a crop the table does not know, and said so in the prescription. */
export const DEFAULT_CROP_PARAMETERS: CropParameters = {
  depletionFraction: 0.5,
  source: 'FAO-56 §8 default p = 0.5 (crop not in table)',
};

export function cropParameters(crop: string): CropParameters {
  return Object.hasOwn(CROP_PARAMETERS, crop) ? CROP_PARAMETERS[crop]! : DEFAULT_CROP_PARAMETERS;
}
