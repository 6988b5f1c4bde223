import { round } from '@shamba/schemas';
import {
  BAG_KG,
  N_PRODUCTS,
  productFor,
  type NProduct,
  type ProductAmount,
} from './fertiliser-products.js';

/**
 * A dose above this is split in two, two to three weeks apart: a single large dose on the light
 * soils of our cooperatives leaches before the crop can take it up. A cooperative rule, tunable.
 */
export const SPLIT_ABOVE_KG_N_HA = 60;

/** The products a dose is shown in when the caller names none. */
export const DEFAULT_N_PRODUCTS: readonly NProduct[] = ['urea', 'can'];

export interface NDose {
  splits: { share: number; nKgHa: number; when: string }[];
  products: ProductAmount[];
}

/** A dose of N as the farmer applies it: when (one dose or two halves) and in which product. */
export function nDose(dose: {
  nKgHa: number;
  areaHa: number;
  products?: readonly NProduct[] | undefined;
}): NDose {
  const { nKgHa: n, areaHa } = dose;
  return {
    splits: doseSplits(n),
    products:
      n === 0 ? [] : (dose.products ?? DEFAULT_N_PRODUCTS).map((p) => productFor(n, p, areaHa)),
  };
}

/** One dose now, or two halves 14-21 days apart above SPLIT_ABOVE_KG_N_HA. */
function doseSplits(n: number): NDose['splits'] {
  if (n === 0) return [];
  if (n <= SPLIT_ABOVE_KG_N_HA) return [{ share: 1, nKgHa: n, when: 'now' }];
  return [
    { share: 0.5, nKgHa: round(n / 2, 1), when: 'now' },
    { share: 0.5, nKgHa: round(n / 2, 1), when: 'in 14-21 days, before flowering' },
  ];
}

/** "Apply 36.4 kg N/ha (79 kg/ha urea 46-0-0: ...), in one dose now." */
export function applySummary(n: number, dose: NDose): string {
  const first = dose.products[0];
  return (
    `Apply ${n} kg N/ha` +
    (first === undefined
      ? ''
      : ` (${first.kgPerHa} kg/ha ${N_PRODUCTS[first.product].name}: ${first.kgPerPlot} kg on this plot, ${first.bagsPerPlot} bags of ${BAG_KG} kg)`) +
    (dose.splits.length > 1 ? ', in two halves 14-21 days apart.' : ', in one dose now.')
  );
}
