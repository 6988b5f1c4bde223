import type { CropParameters } from '../crops/crop-parameters.js';

export type CropStage =
  'initial' | 'development' | 'mid-season' | 'late-season' | 'after-harvest' | 'perennial';

export interface CropDay {
  stage: CropStage;
  kc: number;
  rootDepthM: number;
}

/** Root depth at sowing: FAO-56 ch. 8 "Root depth" takes Zr,min 0.15-0.20 m. */
export const SOWING_ROOT_DEPTH_M = 0.2;

/**
 * Kc and root depth on a day after sowing. Kc follows FAO-56's crop coefficient curve: constant
 * in the initial and mid-season stages, linear in between (eq. 66). The root grows linearly from
 * Zr,min to Zr,max at the start of mid-season (FAO-56 ch. 8, "Root depth"), and never deeper than
 * the soil allows (`maxRootDepthM`, the field's own).
 */
export function cropDay(
  crop: CropParameters,
  daysAfterSowing: number,
  maxRootDepthM: number,
): CropDay {
  const zrMax = Math.min(crop.rootDepthM.max, maxRootDepthM);
  const { kc } = crop;
  if (crop.stages === null) return { stage: 'perennial', kc: kc.mid, rootDepthM: zrMax };
  const { iniDays, devDays, midDays, lateDays } = crop.stages;
  const d = Math.max(0, daysAfterSowing);
  const zrMin = Math.min(SOWING_ROOT_DEPTH_M, zrMax);
  const toMid = iniDays + devDays;
  const rootDepthM = d >= toMid ? zrMax : zrMin + (zrMax - zrMin) * (d / toMid);
  if (d < iniDays) return { stage: 'initial', kc: kc.ini, rootDepthM };
  if (d < toMid) {
    return {
      stage: 'development',
      kc: kc.ini + ((d - iniDays) / devDays) * (kc.mid - kc.ini),
      rootDepthM,
    }; // eq. 66
  }
  if (d < toMid + midDays) return { stage: 'mid-season', kc: kc.mid, rootDepthM };
  const lateStart = toMid + midDays;
  if (d < lateStart + lateDays) {
    return {
      stage: 'late-season',
      kc: kc.mid + ((d - lateStart) / lateDays) * (kc.end - kc.mid),
      rootDepthM,
    }; // eq. 66
  }
  return { stage: 'after-harvest', kc: kc.end, rootDepthM };
}

/**
 * Kc mid (or Kc end, when ≥ 0.45) for a climate other than the subhumid standard of Table 12:
 * Kc + [0.04 (u2 − 2) − 0.004 (RHmin − 45)] (h/3)^0.3. FAO-56 eq. 62 and 65.
 */
export function adjustKcForClimate(options: {
  kcTable: number;
  windSpeed2mMs: number;
  rhMinPct: number;
  cropHeightM: number;
}): number {
  const { kcTable, windSpeed2mMs, rhMinPct, cropHeightM } = options;
  if (kcTable < 0.45) return kcTable;
  const u2 = Math.min(6, Math.max(1, windSpeed2mMs)); // eq. 62 holds for 1 ≤ u2 ≤ 6
  const rh = Math.min(80, Math.max(20, rhMinPct)); // and 20 ≤ RHmin ≤ 80
  const h = Math.min(10, Math.max(0.1, cropHeightM)); // and 0.1 m ≤ h ≤ 10 m
  return kcTable + (0.04 * (u2 - 2) - 0.004 * (rh - 45)) * (h / 3) ** 0.3;
}
