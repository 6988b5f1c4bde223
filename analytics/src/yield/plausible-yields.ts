import { CROP_PARAMETERS } from '@shamba/agronomy';

/**
 * The most a crop has been recorded to yield anywhere, t/ha (grain at trade moisture; green
 * coffee; seed cotton; fresh cane), rounded up: a history row above it is a typo or a unit slip
 * (kg for t, a plot's total for a hectare's), never a harvest. A ceiling for refusing data, not a
 * target: FAO-33's Ym (`attainableYieldTHa`) is the target. `assumed` where no verified record
 * was found: a generous bound an agronomist may tighten.
 */
export interface PlausibleYield {
  maxTHa: number;
  source: string;
  assumed: boolean;
}

/** bu/ac of maize, sorghum or soybean (56 or 60 lb) in t/ha: lb × 0.4536 kg / 0.4047 ha / 1000. */
const T_HA_PER_BU_AC_56_LB = (56 * 0.45359237) / 404.6856; // 0.0628
const T_HA_PER_BU_AC_60_LB = (60 * 0.45359237) / 404.6856; // 0.0673

export const PLAUSIBLE_YIELDS: Readonly<Record<string, PlausibleYield>> = {
  maize: {
    // 623.84 × 0.0628 = 39.2 t/ha.
    maxTHa: Math.ceil(623.84 * T_HA_PER_BU_AC_56_LB),
    source: 'world record, 623.84 bu/ac (D. Hula, NCGA National Corn Yield Contest 2023)',
    assumed: false,
  },
  wheat: {
    maxTHa: 18,
    source: 'world record, 17.96 t/ha (T. Lamyman, Lincolnshire 2022, Yield Enhancement Network)',
    assumed: false,
  },
  soybean: {
    // 206 × 0.0673 = 13.9 t/ha.
    maxTHa: Math.ceil(206 * T_HA_PER_BU_AC_60_LB),
    source: 'world record, 206 bu/ac (A. Harrell, Georgia 2023)',
    assumed: false,
  },
  sorghum: {
    // 250 × 0.0628 = 15.7 t/ha.
    maxTHa: Math.ceil(250 * T_HA_PER_BU_AC_56_LB),
    source: 'assumed: about the best US sorghum yield contest entries, 250 bu/ac',
    assumed: true,
  },
  rice: {
    maxTHa: 18,
    source: 'assumed: above super hybrid rice trial maxima (about 17 t/ha, Yunnan)',
    assumed: true,
  },
  teff: {
    maxTHa: 6,
    source:
      'assumed: twice the best improved varieties on farm (Kora 2.7 t/ha, EIAR); national mean 1.8 t/ha',
    assumed: true,
  },
  beans: {
    maxTHa: 6,
    source: 'assumed: twice the best irrigated dry bean yields (about 3 t/ha, FAO-33 range 1.5-3)',
    assumed: true,
  },
  coffee: {
    maxTHa: 8,
    source: 'assumed: above the most intensive irrigated green coffee (about 5 t/ha, Brazil)',
    assumed: true,
  },
  cotton: {
    maxTHa: 10,
    source: 'assumed: above the best irrigated seed cotton (about 7 t/ha, Australia)',
    assumed: true,
  },
  sugarcane: {
    maxTHa: 300,
    source: 'assumed: above record irrigated cane yields (about 250 t/ha)',
    assumed: true,
  },
};

/** The crops history may name: the agronomy crop table's, each with a plausible ceiling. */
export function knownHistoryCrops(): string[] {
  return Object.keys(CROP_PARAMETERS)
    .filter((c) => PLAUSIBLE_YIELDS[c] !== undefined)
    .sort();
}
