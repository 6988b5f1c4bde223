import { DAY_MS } from '@shamba/schemas';
import {
  totalAvailableWaterMm,
  cropParameters,
  nominalSeasonDays,
  balanceField,
  addDays,
  localMidnightMs,
} from '@shamba/agronomy';
import type { WaterBalanceRuleInput } from '../rules/water-balance/water-balance-prescription.js';
import { fao33Yield, yieldFeatures, type SeasonDay } from './yield-features.js';

export interface SeasonToDateInput extends Omit<WaterBalanceRuleInput, 'createdAtMs' | 'forecast'> {
  /** The field's NDVI from each scene (null where cloudy), oldest first. */
  ndvi: readonly { acquiredMs: number; value: number | null }[];
  /** Mineral N available this season (soil plus fertiliser), kg N/ha, where the coop knows it. */
  nitrogenKgHa: number | null;
  /** Used when `nitrogenKgHa` is unknown: the training data's mean, recorded as assumed. */
  defaultNitrogenKgHa: number;
}

export interface SeasonToDate {
  /** The model's input row (see FEATURE_NAMES), or null when the season cannot be followed. */
  features: number[] | null;
  /**
   * What the row knows: the season from sowing to yesterday, or only what was known at sowing
   * (the field's crop, soil and nitrogen: the model's climatology, with its widest band) when
   * the field was sown today or the station's record does not reach back to sowing.
   */
  basis: 'season-to-date' | 'at-sowing' | null;
  /** Why there is no row (the season began before the balance can reach), or null. */
  missing: string | null;
  daysSinceSowing: number;
  seasonLengthDays: number;
  etaOverEtc: number | null;
  fao33: { yieldTHa: number; ky: number; ymTHa: number } | null;
  assumed: string[];
}

/**
 * A field's season so far in the yield model's terms: each day from sowing to yesterday with
 * the station's temperatures and rain, the zones' ETa and ETc from the FAO-56 balance (area-
 * weighted), and NDVI interpolated between scenes. The same `yieldFeatures` as in training.
 */
export function seasonToDate(input: SeasonToDateInput): SeasonToDate {
  const { field } = input;
  const balance = balanceField(input);
  const { sowing, today } = balance;
  const daysBetween = (from: string, to: string) =>
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
  // The built-in crop's length, as in training (a parameter set's stages do not move it).
  const seasonLengthDays = nominalSeasonDays(cropParameters(field.crop));
  const assumed: string[] = [];
  if (balance.start !== sowing)
    return {
      features: null,
      basis: null,
      missing: 'the season began before the balance can reach',
      daysSinceSowing: 0,
      seasonLengthDays,
      etaOverEtc: null,
      fao33: null,
      assumed,
    };
  const areaHa = balance.zones.reduce((s, z) => s + z.spec.areaHa, 0);
  const tawMm =
    balance.zones.reduce(
      (s, z) =>
        s +
        z.spec.areaHa *
          totalAvailableWaterMm(
            z.spec.soil.fieldCapacity,
            z.spec.soil.wiltingPoint,
            z.spec.rootDepthM,
          ),
      0,
    ) / areaHa;
  let nitrogenKgHa = input.nitrogenKgHa;
  if (nitrogenKgHa === null) {
    nitrogenKgHa = input.defaultNitrogenKgHa;
    assumed.push(`nitrogen ${nitrogenKgHa} kg N/ha (the training data's mean)`);
  }
  const featuresOf = (days: SeasonDay[]) =>
    yieldFeatures({ crop: field.crop, days, seasonLengthDays, nitrogenKgHa, tawMm });
  // Only what was known at sowing: the model's forecast at day 0, its band the widest.
  const atSowing = (why: string): SeasonToDate => {
    assumed.push(`${why}: forecast from what was known at sowing (crop, soil, nitrogen)`);
    return {
      features: featuresOf([]),
      basis: 'at-sowing',
      missing: null,
      daysSinceSowing: Math.max(0, daysBetween(sowing, today)),
      seasonLengthDays,
      etaOverEtc: 1, // no stress known yet
      fao33: fao33Yield(field.crop, 1),
      assumed,
    };
  };
  const weather = new Map(input.weather.days.map((d) => [d.dateIso, d]));
  if (sowing >= today) return atSowing(sowing > today ? `to be sown on ${sowing}` : 'sown today');
  const firstRecord = input.weather.days.map((d) => d.dateIso).find((d) => d >= sowing);
  if (!weather.has(sowing))
    return atSowing(
      `the weather station's record starts ${firstRecord ?? 'after today'}, after sowing (${sowing})`,
    );

  const traceByDay = new Map<string, { eta: number; etc: number }>();
  for (const z of balance.zones) {
    const w = z.spec.areaHa / areaHa;
    for (const t of z.trace) {
      const sum = traceByDay.get(t.dateIso) ?? { eta: 0, etc: 0 };
      sum.eta += w * t.etaMm;
      sum.etc += w * t.etcMm;
      traceByDay.set(t.dateIso, sum);
    }
  }
  const ndvi = input.ndvi
    .filter((p): p is { acquiredMs: number; value: number } => p.value !== null)
    .map((p) => ({ t: p.acquiredMs, v: p.value }))
    .sort((a, b) => a.t - b.t);
  const ndviAt = (timeMs: number): number | null => {
    const after = ndvi.findIndex((p) => p.t >= timeMs);
    if (after === 0) return ndvi[0]!.t === timeMs ? ndvi[0]!.v : null; // before the first scene
    if (after === -1) return ndvi.length === 0 ? null : ndvi.at(-1)!.v; // held since the last
    const a = ndvi[after - 1]!;
    const b = ndvi[after]!;
    return a.v + ((timeMs - a.t) / (b.t - a.t)) * (b.v - a.v);
  };

  const days: SeasonDay[] = [];
  let last = weather.get(sowing)!;
  let lastEt0 = 0;
  for (let date = sowing; date < today; date = addDays(date, 1)) {
    const w = weather.get(date);
    // A day without a complete record keeps the last known temperatures (for GDD only).
    if (w !== undefined && w.complete) last = w;
    const et = traceByDay.get(date);
    // A day without a complete record keeps the last known ET0, as it keeps the temperatures.
    lastEt0 = balance.et0ByDay.get(date) ?? lastEt0;
    days.push({
      tMaxC: last.tMaxC ?? 0,
      tMinC: last.tMinC ?? 0,
      rainMm: w?.rainMm ?? 0,
      ndvi: ndviAt(localMidnightMs(date, input.utcOffsetMinutes) + DAY_MS / 2), // local noon
      etaMm: et?.eta ?? 0,
      etcMm: et?.etc ?? 0,
      et0Mm: lastEt0,
    });
  }
  if (ndvi.length === 0) assumed.push('no clear scene yet: NDVI features are zero');
  const features = featuresOf(days);
  const eta = days.reduce((s, d) => s + d.etaMm, 0);
  const etc = days.reduce((s, d) => s + d.etcMm, 0);
  const etaOverEtc = etc > 0 ? eta / etc : 1;
  return {
    features,
    basis: 'season-to-date',
    missing: null,
    daysSinceSowing: days.length,
    seasonLengthDays,
    etaOverEtc,
    fao33: fao33Yield(field.crop, etaOverEtc),
    assumed,
  };
}
