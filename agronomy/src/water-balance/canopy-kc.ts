import type { CropParameters } from '../crops/crop-parameters.js';

/**
 * NDVI of bare soil and of a full canopy, the ends of the scale. Bare soils of our regions read
 * 0.1-0.2 on Sentinel-2 and closed cereal canopies 0.8-0.9 (Gonzalez-Dugo & Mateos 2008 use
 * 0.15 and 0.85 for cotton and sugar beet).
 */
export const NDVI_BARE_SOIL = 0.15;
export const NDVI_FULL_COVER = 0.85;

export const CANOPY_KC_SOURCE =
  'reflectance-based crop coefficient: Kc scaled linearly with NDVI between bare soil and full ' +
  'cover (Neale, Bausch & Heermann 1989, Trans. ASAE 32(6):1891; Gonzalez-Dugo & Mateos 2008, ' +
  'Agric. Water Manage. 95:48)';

/**
 * Kc from the canopy a scene shows: Kc ini at bare soil, Kc mid at full cover, linear between.
 * It follows the crop as it actually grew (late sowing, poor emergence, a stressed zone), where
 * the calendar curve (FAO-56 eq. 66) assumes the table's stage lengths.
 */
export function canopyKc(crop: CropParameters, ndvi: number): number {
  const cover = (ndvi - NDVI_BARE_SOIL) / (NDVI_FULL_COVER - NDVI_BARE_SOIL);
  const f = Math.min(1, Math.max(0, cover));
  return crop.kc.ini + f * (crop.kc.mid - crop.kc.ini);
}
