/**
 * Surface reflectance of a field as a linear mix of green canopy and bare soil by canopy cover,
 * with water stress lowering near-infrared and raising shortwave-infrared reflectance (leaf
 * water absorbs at 1.6 um). End-members are typical Sentinel-2 L2A values for a red-brown rift
 * valley soil and a dense cereal canopy.
 */
export interface Reflectance {
  red: number;
  nir: number;
  nir8a: number;
  swir: number;
}

const SOIL: Reflectance = { red: 0.2, nir: 0.28, nir8a: 0.29, swir: 0.36 };
const LEAF_WET: Reflectance = { red: 0.035, nir: 0.46, nir8a: 0.47, swir: 0.17 };
const LEAF_DRY: Reflectance = { red: 0.06, nir: 0.36, nir8a: 0.37, swir: 0.27 };

/** `waterStress` 0 (well watered) to 1 (wilting). */
export function surfaceReflectance(canopyCover: number, waterStress: number): Reflectance {
  const fc = Math.min(1, Math.max(0, canopyCover));
  const s = Math.min(1, Math.max(0, waterStress));
  const leaf = (band: keyof Reflectance) => LEAF_WET[band] + s * (LEAF_DRY[band] - LEAF_WET[band]);
  const mix = (band: keyof Reflectance) => fc * leaf(band) + (1 - fc) * SOIL[band];
  return { red: mix('red'), nir: mix('nir'), nir8a: mix('nir8a'), swir: mix('swir') };
}

export function ndvi(r: Reflectance): number {
  return (r.nir - r.red) / (r.nir + r.red);
}

/** Normalized difference moisture index (Gao 1996's NDWI with Sentinel-2 B8A and B11). */
export function ndmi(r: Reflectance): number {
  return (r.nir8a - r.swir) / (r.nir8a + r.swir);
}
