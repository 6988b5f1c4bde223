/**
 * What the simulated world's crops do: the truth the analytics try to estimate. Stage lengths
 * FAO-56 Table 11, crop coefficients FAO-56 Table 12, yield response Ky FAO-33 (Doorenbos and
 * Kassam 1979) Table 2; attainable yields and canopy figures are typical of the regions'
 * well-managed smallholder plots. Teff is in neither FAO table: its figures are assumptions
 * modelled on small grains (wheat) and marked so.
 */
export interface CropTruth {
  /** Initial, development, mid-season, late-season lengths, days (FAO-56 Table 11). */
  stageDays: [number, number, number, number];
  /** Kc ini, mid, end (FAO-56 Table 12). */
  kc: [number, number, number];
  /** Yield response factor for the whole season (FAO-33). */
  ky: number;
  /** Attainable yield without water or nitrogen stress, t/ha (grain; green coffee). */
  maxYieldTHa: number;
  /** Greatest fraction of ground the canopy covers. */
  maxCanopyCover: number;
  /** Nitrogen the crop needs for its attainable yield, kg N/ha. */
  nitrogenNeedKgHa: number;
  /** FAO-56 Table 22 depletion fraction p. */
  depletionFraction: number;
  perennial: boolean;
}

export const CROP_TRUTH: Record<string, CropTruth> = {
  // Table 11: maize (grain), Africa (east highlands): 30/40/50/30 days. Table 12: 0.3/1.2/0.6.
  maize: {
    stageDays: [30, 40, 50, 30],
    kc: [0.3, 1.2, 0.6],
    ky: 1.25,
    maxYieldTHa: 7,
    maxCanopyCover: 0.9,
    nitrogenNeedKgHa: 150,
    depletionFraction: 0.55,
    perennial: false,
  },
  // Assumed (not in FAO-56): a fine-stemmed small grain, 20/35/40/25 days, Kc like wheat.
  teff: {
    stageDays: [20, 35, 40, 25],
    kc: [0.3, 1.1, 0.3],
    ky: 1.05,
    maxYieldTHa: 2.5,
    maxCanopyCover: 0.8,
    nitrogenNeedKgHa: 60,
    depletionFraction: 0.5,
    perennial: false,
  },
  // Table 12: coffee, bare-ground cover, 0.90/0.95/0.95; perennial, so always "mid-season".
  coffee: {
    stageDays: [0, 0, 365, 0],
    kc: [0.9, 0.95, 0.95],
    ky: 1.0,
    maxYieldTHa: 2.4,
    maxCanopyCover: 0.75,
    nitrogenNeedKgHa: 200,
    depletionFraction: 0.4,
    perennial: true,
  },
};

export function cropTruth(crop: string): CropTruth {
  const truth = CROP_TRUTH[crop];
  if (truth === undefined)
    throw new Error(
      `the simulated world has no crop "${crop}"; known: ${Object.keys(CROP_TRUTH).join(', ')}`,
    );
  return truth;
}

export function seasonLengthDays(truth: CropTruth): number {
  return truth.stageDays.reduce((s, d) => s + d, 0);
}

/** Kc on a day after planting: FAO-56 Figure 25 and eq. 66 (linear in development and late). */
export function cropCoefficient(truth: CropTruth, day: number): number {
  const [ini, dev, mid, late] = truth.stageDays;
  const [kcIni, kcMid, kcEnd] = truth.kc;
  if (truth.perennial) return kcMid;
  if (day < ini) return kcIni;
  if (day < ini + dev) return kcIni + ((day - ini) / dev) * (kcMid - kcIni);
  if (day < ini + dev + mid) return kcMid;
  if (day < ini + dev + mid + late)
    return kcMid + ((day - ini - dev - mid) / late) * (kcEnd - kcMid);
  return 0; // harvested: bare soil evaporation is left out of the world for now
}

/** Canopy cover an unstressed crop would have on a day after planting (0 before, after season). */
export function potentialCanopy(truth: CropTruth, day: number): number {
  const [ini, dev, mid, late] = truth.stageDays;
  const max = truth.maxCanopyCover;
  if (truth.perennial) return max;
  if (day < 0 || day >= ini + dev + mid + late) return 0;
  if (day < ini) return 0.02 + (0.1 * max * day) / ini;
  if (day < ini + dev) return 0.02 + 0.1 * max + ((day - ini) / dev) * (0.9 * max - 0.02);
  if (day < ini + dev + mid) return max;
  return max * (1 - (0.6 * (day - ini - dev - mid)) / late); // senescence to 40 %
}

/** FAO-33: 1 - Ya/Ym = Ky (1 - ETa/ETm). */
export function waterLimitedYield(truth: CropTruth, etaMm: number, etmMm: number): number {
  if (etmMm <= 0) return truth.maxYieldTHa;
  return Math.max(0, truth.maxYieldTHa * (1 - truth.ky * (1 - etaMm / etmMm)));
}
