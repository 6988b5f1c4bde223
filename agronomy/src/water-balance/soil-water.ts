/**
 * Root-zone soil water, FAO-56 chapter 8 (single crop coefficient under water stress).
 * Water contents θ in m3/m3, depths in mm, root depth Zr in m.
 */

/** Total available water in the root zone TAW, mm. FAO-56 eq. 82. */
export function totalAvailableWaterMm(
  fieldCapacity: number,
  wiltingPoint: number,
  rootDepthM: number,
): number {
  return 1000 * (fieldCapacity - wiltingPoint) * rootDepthM;
}

/** Readily available water RAW, mm. FAO-56 eq. 83. */
export function readilyAvailableWaterMm(tawMm: number, depletionFraction: number): number {
  return depletionFraction * tawMm;
}

/**
 * p for the day's crop ETc: p = p(Table 22) + 0.04 (5 − ETc), kept within 0.1-0.8.
 * FAO-56 Table 22, footnote; a crop under high demand is stressed earlier.
 */
export function adjustDepletionFraction(tableP: number, etcMm: number): number {
  return Math.min(0.8, Math.max(0.1, tableP + 0.04 * (5 - etcMm)));
}

/**
 * Water stress coefficient Ks: 1 while Dr ≤ RAW, then falling linearly to 0 at TAW.
 * FAO-56 eq. 84.
 */
export function waterStressCoefficient(
  drMm: number,
  tawMm: number,
  depletionFraction: number,
): number {
  if (tawMm <= 0) return 0;
  const raw = readilyAvailableWaterMm(tawMm, depletionFraction);
  if (drMm <= raw) return 1;
  return Math.max(0, (tawMm - drMm) / ((1 - depletionFraction) * tawMm));
}

/** Root-zone depletion from a measured water content, within [0, TAW], mm. FAO-56 eq. 87. */
export function depletionFromWaterContent(options: {
  fieldCapacity: number;
  wiltingPoint: number;
  waterContent: number;
  rootDepthM: number;
}): number {
  const { fieldCapacity, wiltingPoint, waterContent, rootDepthM } = options;
  const taw = totalAvailableWaterMm(fieldCapacity, wiltingPoint, rootDepthM);
  return Math.min(taw, Math.max(0, 1000 * (fieldCapacity - waterContent) * rootDepthM));
}
