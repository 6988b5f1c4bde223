/**
 * The world's root-zone water: a single bucket per field, the same physics as FAO-56 chapter 8
 * (Allen et al. 1998) but as the simulated "truth" the sensors sample, not as our estimate of it.
 */
export interface SoilProfile {
  fieldCapacity: number;
  wiltingPoint: number;
  rootDepthM: number;
  /** Fraction of TAW that can be depleted before the crop is stressed (FAO-56 Table 22). */
  depletionFraction: number;
}

/** Total available water in the root zone, mm. FAO-56 eq. 82. */
export function totalAvailableWaterMm(soil: SoilProfile): number {
  return 1000 * (soil.fieldCapacity - soil.wiltingPoint) * soil.rootDepthM;
}

export interface WaterFluxes {
  /** Potential crop evapotranspiration over the step, mm. */
  etcMm: number;
  rainMm: number;
  irrigationMm: number;
}

/**
 * One step of the balance, FAO-56 eq. 85 without runoff or capillary rise:
 * Dr,i = Dr,i-1 - P - I + Ks*ETc, with water above field capacity draining (DP, eq. 88) and
 * Ks from eq. 84 once depletion passes RAW, so the crop never dries the soil below wilting point.
 */
export function stepDepletion(soil: SoilProfile, depletionMm: number, fluxes: WaterFluxes): number {
  const taw = totalAvailableWaterMm(soil);
  const raw = soil.depletionFraction * taw;
  const ks = depletionMm <= raw ? 1 : Math.max(0, (taw - depletionMm) / (taw - raw));
  const next = depletionMm - fluxes.rainMm - fluxes.irrigationMm + ks * fluxes.etcMm;
  return Math.min(taw, Math.max(0, next));
}

/** Mean volumetric water content of the root zone for a depletion. Inverse of FAO-56 eq. 87. */
export function rootZoneWaterContent(soil: SoilProfile, depletionMm: number): number {
  return soil.fieldCapacity - depletionMm / (1000 * soil.rootDepthM);
}

/**
 * Water content at the probe's three depths. The surface dries faster than the subsoil; the
 * factors are chosen so that the depth-weighted mean over a 0.5-0.6 m root zone stays within
 * 3% of the bucket's mean.
 */
export const DEPTH_DRYING_FACTORS = { vwc10: 1.3, vwc30: 1.0, vwc60: 0.7 } as const;

export function profileWaterContent(
  soil: SoilProfile,
  depletionMm: number,
): Record<keyof typeof DEPTH_DRYING_FACTORS, number> {
  const deficit = soil.fieldCapacity - rootZoneWaterContent(soil, depletionMm);
  const at = (factor: number) =>
    Math.min(
      soil.fieldCapacity,
      Math.max(soil.wiltingPoint * 0.9, soil.fieldCapacity - factor * deficit),
    );
  return {
    vwc10: at(DEPTH_DRYING_FACTORS.vwc10),
    vwc30: at(DEPTH_DRYING_FACTORS.vwc30),
    vwc60: at(DEPTH_DRYING_FACTORS.vwc60),
  };
}
