/**
 * Soil water characteristics by texture class: FAO-56 Table 19 (Allen et al. 1998), the middle of
 * each printed range. Volumetric water content, m3/m3.
 */
export const SOIL_TEXTURES = {
  sand: { fieldCapacity: 0.1, wiltingPoint: 0.04 },
  'loamy-sand': { fieldCapacity: 0.14, wiltingPoint: 0.06 },
  'sandy-loam': { fieldCapacity: 0.23, wiltingPoint: 0.1 },
  loam: { fieldCapacity: 0.25, wiltingPoint: 0.12 },
  'silt-loam': { fieldCapacity: 0.29, wiltingPoint: 0.15 },
  silt: { fieldCapacity: 0.32, wiltingPoint: 0.17 },
  'silty-clay-loam': { fieldCapacity: 0.34, wiltingPoint: 0.21 },
  'silty-clay': { fieldCapacity: 0.36, wiltingPoint: 0.23 },
  clay: { fieldCapacity: 0.36, wiltingPoint: 0.22 },
} as const satisfies Record<string, { fieldCapacity: number; wiltingPoint: number }>;

export type SoilTexture = keyof typeof SOIL_TEXTURES;
export const SOIL_TEXTURE_NAMES = Object.keys(SOIL_TEXTURES) as [SoilTexture, ...SoilTexture[]];
