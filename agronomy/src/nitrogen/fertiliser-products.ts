/**
 * N carriers our cooperatives buy, with their N content by mass as labelled: urea 46-0-0;
 * calcium ammonium nitrate (CAN) 27 % N; NPS 19-38-0+7S (Ethiopia's standard blend since 2014,
 * Ethiopian Soil Information System); DAP 18-46-0 (its standard before, still sold); NPK
 * 17-17-17 and 20-05-20 (East Africa, Brazil).
 */
export const N_PRODUCTS = {
  urea: { name: 'urea 46-0-0', nFraction: 0.46 },
  can: { name: 'CAN 27 % N', nFraction: 0.27 },
  nps: { name: 'NPS 19-38-0+7S', nFraction: 0.19 },
  dap: { name: 'DAP 18-46-0', nFraction: 0.18 },
  'npk-17-17-17': { name: 'NPK 17-17-17', nFraction: 0.17 },
  'npk-20-05-20': { name: 'NPK 20-05-20', nFraction: 0.2 },
} as const;

export type NProduct = keyof typeof N_PRODUCTS;

/** Fertiliser is sold in 50 kg bags across our regions. */
export const BAG_KG = 50;

export interface ProductAmount {
  product: NProduct;
  name: string;
  kgPerHa: number;
  kgPerPlot: number;
  bagsPerPlot: number;
}

/**
 * The product that carries a dose of N, per hectare and for the plot; kg rounded to the half
 * kilogram a farmer can weigh out, bags to a tenth.
 */
export function productFor(nKgHa: number, product: NProduct, areaHa: number): ProductAmount {
  const { name, nFraction } = N_PRODUCTS[product];
  const kgPerHa = nKgHa / nFraction;
  const kgPerPlot = Math.round(kgPerHa * areaHa * 2) / 2;
  return {
    product,
    name,
    kgPerHa: Math.round(kgPerHa),
    kgPerPlot,
    bagsPerPlot: Math.round((kgPerPlot / BAG_KG) * 10) / 10,
  };
}

/** Whether `product` is one of N_PRODUCTS (a recorded application names it by its key). */
export const isNProduct = (product: string): product is NProduct =>
  Object.hasOwn(N_PRODUCTS, product);

/**
 * The N in an application recorded as kg of product per hectare (by the product's N content) or
 * directly as kg N per hectare; to 0.1 kg N/ha.
 */
export function appliedNKgHa(application: {
  product: string;
  amount: number;
  unit: 'kg-product-ha' | 'kg-n-ha';
}): number {
  if (application.unit === 'kg-n-ha') return Math.round(application.amount * 10) / 10;
  if (!isNProduct(application.product))
    throw new RangeError(`unknown product ${application.product}: give the amount in kg N/ha`);
  return Math.round(application.amount * N_PRODUCTS[application.product].nFraction * 10) / 10;
}
