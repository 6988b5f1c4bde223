/**
 * Crop parameters for the water balance and the yield response, each with its source:
 * - Kc ini, mid, end and the maximum crop height: FAO-56 Table 12 (Allen et al. 1998), for a
 *   subhumid climate (RHmin ≈ 45 %, u2 ≈ 2 m/s); adjust with `adjustKcForClimate` (eq. 62, 65).
 * - Stage lengths (initial, development, mid-season, late season) in days: FAO-56 Table 11,
 *   the row whose region is closest to our cooperatives (named in `stages.region`).
 * - Maximum effective root depth and the depletion fraction p for ETc ≈ 5 mm/day: FAO-56
 *   Table 22.
 * - Ky, the seasonal yield response to water: FAO-33 (Doorenbos & Kassam 1979), Table 24.
 * Teff is in none of these tables; its values are assumptions, said so in `assumed`, until an
 * agronomist sets them through a parameter set.
 */
export interface CropParameters {
  crop: string;
  kc: { ini: number; mid: number; end: number; source: string };
  /** Null for a perennial crop, whose Kc follows the calendar, not a sowing date. */
  stages: {
    iniDays: number;
    devDays: number;
    midDays: number;
    lateDays: number;
    region: string;
    source: string;
  } | null;
  maxHeightM: number;
  rootDepthM: { max: number; source: string };
  /** p for ETc ≈ 5 mm/day; `adjustDepletionFraction` moves it with the day's ETc. */
  depletionFraction: number;
  /** Source of p (kept under this name: prescriptions have recorded it since 1.0.0). */
  source: string;
  ky: number;
  kySource: string;
  /**
   * Ym of FAO-33: the yield of a well-managed, unstressed crop in the region, t/ha (grain; green
   * coffee; cane). An assumption for each cooperative to set from its own best plots.
   */
  attainableYieldTHa: number;
  assumed: string[];
}

const T12 = 'FAO-56 Table 12';
const T11 = 'FAO-56 Table 11';
const T22 = 'FAO-56 Table 22';
const F33 = 'FAO-33 Table 24';

export const CROP_PARAMETERS: Record<string, CropParameters> = {
  maize: {
    crop: 'maize',
    kc: { ini: 0.3, mid: 1.2, end: 0.35, source: `${T12}, maize (field, grain), dry harvest` },
    stages: {
      iniDays: 30,
      devDays: 50,
      midDays: 60,
      lateDays: 40,
      region: 'East African highlands',
      source: T11,
    },
    maxHeightM: 2,
    rootDepthM: { max: 1.7, source: `${T22}, maize (grain) 1.0-1.7 m` },
    depletionFraction: 0.55,
    source: `${T22}, maize (grain)`,
    ky: 1.25,
    kySource: `${F33}, maize`,
    attainableYieldTHa: 7,
    assumed: [],
  },
  wheat: {
    crop: 'wheat',
    kc: { ini: 0.3, mid: 1.15, end: 0.25, source: `${T12}, spring wheat` },
    stages: {
      iniDays: 15,
      devDays: 30,
      midDays: 65,
      lateDays: 40,
      region: 'East Africa',
      source: T11,
    },
    maxHeightM: 1,
    rootDepthM: { max: 1.5, source: `${T22}, spring wheat 1.0-1.5 m` },
    depletionFraction: 0.55,
    source: `${T22}, wheat (spring)`,
    ky: 1.15,
    kySource: `${F33}, spring wheat`,
    attainableYieldTHa: 5,
    assumed: [],
  },
  teff: {
    crop: 'teff',
    kc: { ini: 0.3, mid: 1.15, end: 0.25, source: `${T12}, small grains (teff assumed alike)` },
    stages: {
      iniDays: 20,
      devDays: 30,
      midDays: 35,
      lateDays: 25,
      region: 'Ethiopian highlands (assumed)',
      source: 'assumed: 110-day teff',
    },
    maxHeightM: 1,
    rootDepthM: { max: 0.8, source: 'assumed: shallow fibrous roots, 0.6-1.0 m' },
    depletionFraction: 0.5,
    source: 'assumed; teff is not in FAO-56 Table 22',
    ky: 1.05,
    kySource: 'assumed: as winter wheat in FAO-33 Table 24',
    attainableYieldTHa: 2.5,
    assumed: ['kc', 'stages', 'rootDepthM', 'depletionFraction', 'ky'],
  },
  sorghum: {
    crop: 'sorghum',
    kc: { ini: 0.3, mid: 1.05, end: 0.55, source: `${T12}, sorghum (grain), mid 1.00-1.10` },
    stages: {
      iniDays: 20,
      devDays: 35,
      midDays: 40,
      lateDays: 30,
      region: 'USA, Pakistan, Mediterranean',
      source: T11,
    },
    maxHeightM: 1.5,
    rootDepthM: { max: 2, source: `${T22}, sorghum (grain) 1.0-2.0 m` },
    depletionFraction: 0.55,
    source: `${T22}, sorghum (grain)`,
    ky: 0.9,
    kySource: `${F33}, sorghum`,
    attainableYieldTHa: 4,
    assumed: [],
  },
  rice: {
    crop: 'rice',
    kc: { ini: 1.05, mid: 1.2, end: 0.75, source: `${T12}, rice, end 0.90-0.60` },
    stages: { iniDays: 30, devDays: 30, midDays: 60, lateDays: 30, region: 'Tropics', source: T11 },
    maxHeightM: 1,
    rootDepthM: { max: 1, source: `${T22}, rice 0.5-1.0 m` },
    depletionFraction: 0.2,
    source: `${T22}, rice (of saturation)`,
    ky: 1.1,
    kySource: 'assumed: rice is not in FAO-33 Table 24; FAO-66 reports it as sensitive',
    attainableYieldTHa: 6,
    assumed: ['ky'],
  },
  soybean: {
    crop: 'soybean',
    kc: { ini: 0.4, mid: 1.15, end: 0.5, source: `${T12}, soybeans` },
    stages: {
      iniDays: 20,
      devDays: 30,
      midDays: 60,
      lateDays: 25,
      region: 'Central USA',
      source: T11,
    },
    maxHeightM: 0.75,
    rootDepthM: { max: 1.3, source: `${T22}, soybeans 0.6-1.3 m` },
    depletionFraction: 0.5,
    source: `${T22}, soybeans`,
    ky: 0.85,
    kySource: `${F33}, soybean`,
    attainableYieldTHa: 3,
    assumed: [],
  },
  beans: {
    crop: 'beans',
    kc: { ini: 0.4, mid: 1.15, end: 0.35, source: `${T12}, beans (dry)` },
    stages: {
      iniDays: 20,
      devDays: 30,
      midDays: 40,
      lateDays: 20,
      region: 'Continental climates',
      source: T11,
    },
    maxHeightM: 0.4,
    rootDepthM: { max: 0.9, source: `${T22}, beans (dry) 0.6-0.9 m` },
    depletionFraction: 0.45,
    source: `${T22}, beans (dry)`,
    ky: 1.15,
    kySource: `${F33}, bean`,
    attainableYieldTHa: 2.5,
    assumed: [],
  },
  coffee: {
    crop: 'coffee',
    kc: { ini: 0.9, mid: 0.95, end: 0.95, source: `${T12}, coffee, bare ground cover` },
    stages: null,
    maxHeightM: 2.5,
    rootDepthM: { max: 1.5, source: `${T22}, coffee 0.9-1.5 m` },
    depletionFraction: 0.4,
    source: `${T22}, coffee`,
    ky: 1,
    kySource: 'assumed: coffee is not in FAO-33 Table 24',
    attainableYieldTHa: 2,
    assumed: ['ky'],
  },
  cotton: {
    crop: 'cotton',
    kc: { ini: 0.35, mid: 1.175, end: 0.6, source: `${T12}, cotton, mid 1.15-1.20, end 0.70-0.50` },
    stages: {
      iniDays: 30,
      devDays: 50,
      midDays: 60,
      lateDays: 55,
      region: 'Egypt, Pakistan, California',
      source: T11,
    },
    maxHeightM: 1.35,
    rootDepthM: { max: 1.7, source: `${T22}, cotton 1.0-1.7 m` },
    depletionFraction: 0.65,
    source: `${T22}, cotton`,
    ky: 0.85,
    kySource: `${F33}, cotton`,
    attainableYieldTHa: 3,
    assumed: [],
  },
  sugarcane: {
    crop: 'sugarcane',
    kc: { ini: 0.4, mid: 1.25, end: 0.75, source: `${T12}, sugar cane` },
    stages: {
      iniDays: 25,
      devDays: 70,
      midDays: 135,
      lateDays: 50,
      region: 'Low latitudes (ratoon)',
      source: T11,
    },
    maxHeightM: 3,
    rootDepthM: { max: 2, source: `${T22}, sugar cane 1.2-2.0 m` },
    depletionFraction: 0.65,
    source: `${T22}, sugar cane`,
    ky: 1.2,
    kySource: `${F33}, sugarcane`,
    attainableYieldTHa: 100,
    assumed: [],
  },
};

/** Used for a crop the table does not know, and said so in the prescription. */
export const DEFAULT_CROP_PARAMETERS: CropParameters = {
  crop: 'unknown',
  kc: { ini: 0.4, mid: 1.1, end: 0.6, source: 'default (crop not in table)' },
  stages: {
    iniDays: 25,
    devDays: 35,
    midDays: 45,
    lateDays: 30,
    region: 'default',
    source: 'default (crop not in table)',
  },
  maxHeightM: 1,
  rootDepthM: { max: 1, source: 'default (crop not in table)' },
  depletionFraction: 0.5,
  source: 'FAO-56 §8 default p = 0.5 (crop not in table)',
  ky: 1,
  kySource: 'default (crop not in table)',
  attainableYieldTHa: 3,
  assumed: ['kc', 'stages', 'rootDepthM', 'depletionFraction', 'ky'],
};

export function cropParameters(crop: string): CropParameters {
  return Object.hasOwn(CROP_PARAMETERS, crop) ? CROP_PARAMETERS[crop]! : DEFAULT_CROP_PARAMETERS;
}

/**
 * The crop's season from sowing to harvest by its stage lengths (FAO-56 Table 11), days; a
 * year for perennials. The yield model's "season fraction" is days since sowing over this, in
 * training and in forecasting alike.
 */
export function nominalSeasonDays(crop: CropParameters): number {
  const s = crop.stages;
  return s === null ? 365 : s.iniDays + s.devDays + s.midDays + s.lateDays;
}
