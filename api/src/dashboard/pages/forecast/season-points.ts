import { createHash } from 'node:crypto';
import { addDays, daysBetween, localMidnightMs } from '@shamba/agronomy';
import type { FieldForecast, ForecastService } from '@shamba/analytics';
import type { Field } from '@shamba/schemas';
import type { SeasonPointCache } from './season-cache.js';

/** A forecast at one date of the season: the yield band (t/ha) and FAO-33 beside it. */
export interface SeasonPoint {
  /** The date whose knowledge the forecast uses (YYYY-MM-DD). */
  date: string;
  /** Sowing: crop, soil and nitrogen only (the model's widest band); else the season to date. */
  known: 'at-sowing' | 'season-to-date';
  p10: number | null;
  p50: number | null;
  p90: number | null;
  fao33THa: number | null;
}

/**
 * Points per season, today's included: weekly over a 175-day season (the longest maize and
 * sorghum seasons of FAO-56 Table 11 are 180 days); a longer one is drawn every two weeks or
 * more, so a chart stays readable at 360 px and a field costs at most 25 past forecasts.
 */
export const MAX_SEASON_POINTS = 26;

/**
 * Fields whose missing weeks are forecast in one pass (`ForecastService.at`, which reads each
 * field's season once and holds it meanwhile: a probe's season is tens of thousands of
 * readings). Passes run one after the other: their reads and balances run on this thread, and
 * the box serves other requests between them.
 */
const FIELDS_PER_PASS = 1;

/** The season drawn, aligned with `now`, and how many past points are still being computed. */
export interface SeasonPoints {
  points: SeasonPoint[][];
  computing: number;
}

/**
 * Each field's season: a forecast as of local midnight starting each week from sowing (what
 * the model would have said that morning, from the days before it: `asOfMs`, nothing later)
 * and today's. As of the sowing day the model knows the crop, soil and nitrogen only (its
 * widest band); FAO-33 then is Ym (no stress known yet).
 *
 * Past points come from `cache`, keyed by everything the page can see they depend on; the
 * missing ones are computed (a field's missing weeks in one pass) and the page waits for them
 * at most `waitMs`: what is not done by then goes on in the background, and `computing` says
 * how many points the page shows without. A field the service cannot follow from sowing has no
 * season; one known only as at sowing (its station's record starts later) has that one forecast
 * at sowing and today.
 */
export async function seasonPoints(options: {
  forecasts: ForecastService;
  fields: ReadonlyMap<string, Field>;
  now: readonly FieldForecast[];
  /** Today in the cooperative's time zone, and that zone. */
  asOfDate: string;
  utcOffsetMinutes: number;
  cache: SeasonPointCache<SeasonPoint>;
  waitMs: number;
}): Promise<SeasonPoints> {
  const { forecasts, fields, now, asOfDate, utcOffsetMinutes, cache } = options;
  /** Per field: each past date's cache key, or nothing when it has no weekly season. */
  const plans = now.map((f) => {
    const field = fields.get(f.fieldId);
    if (field === undefined || f.basis !== 'season-to-date') return undefined;
    const fingerprint = pointFingerprint(field, f);
    return pastDates(f.plantingDate, asOfDate).map((date) => ({
      date,
      key: `${f.fieldId}|${date}|${utcOffsetMinutes}|${fingerprint}`,
    }));
  });
  // What is neither cached nor under way, by field: a pass reads each field's season once.
  const byField = new Map<string, { field: Field; date: string; key: string }[]>();
  const waiting: Promise<void>[] = [];
  plans.forEach((plan, i) => {
    const field = fields.get(now[i]!.fieldId)!;
    for (const { date, key } of plan ?? []) {
      if (cache.get(key) !== undefined) continue;
      const running = cache.inFlight.get(key);
      if (running !== undefined) {
        waiting.push(running);
        continue;
      }
      const list = byField.get(field.id) ?? [];
      list.push({ field, date, key });
      byField.set(field.id, list);
    }
  });
  const lists = [...byField.values()];
  let chain = Promise.resolve();
  for (let start = 0; start < lists.length; start += FIELDS_PER_PASS) {
    const todo = lists.slice(start, start + FIELDS_PER_PASS).flat();
    const done = chain.then(async () => {
      const results = await forecasts.at(
        todo.map((t) => ({ field: t.field, asOfMs: localMidnightMs(t.date, utcOffsetMinutes) })),
      );
      results.forEach((r, j) => cache.set(todo[j]!.key, pointOf(r, todo[j]!.date)));
    });
    // A failed pass is left out (and tried again by a later load), never the passes after it.
    chain = done.catch(() => undefined);
    const settled = chain.finally(() => {
      for (const t of todo) cache.inFlight.delete(t.key);
    });
    for (const t of todo) cache.inFlight.set(t.key, settled);
    waiting.push(settled);
  }
  await waitAtMost(Promise.all(waiting), options.waitMs);

  let computing = 0;
  const points = now.map((f, i): SeasonPoint[] => {
    if (f.basis === null) return [];
    const today = pointOf(f, asOfDate);
    if (f.basis === 'at-sowing')
      return f.plantingDate < asOfDate ? [{ ...today, date: f.plantingDate }, today] : [today];
    const past = (plans[i] ?? []).flatMap(({ key }) => {
      const point = cache.get(key);
      if (point === undefined) computing++;
      return point === undefined ? [] : [point];
    });
    return [...past, today];
  });
  return { points, computing };
}

/** The local dates of the past points: sowing, then every week (or more: MAX_SEASON_POINTS). */
export function pastDates(plantingDate: string, asOfDate: string): string[] {
  const days = daysBetween(plantingDate, asOfDate);
  if (days <= 0) return [];
  const stepDays = 7 * Math.max(1, Math.ceil(days / (7 * (MAX_SEASON_POINTS - 1))));
  const dates: string[] = [];
  for (let d = 0; d < days; d += stepDays) dates.push(addDays(plantingDate, d));
  return dates;
}

/**
 * What a past point depends on besides its day, as far as the page can see: the field's record
 * (sowing, crop, soil, zones, nitrogen), the model version and the water balance's. The readings
 * and scenes are not in it (see SEASON_POINT_TTL_MS).
 */
function pointFingerprint(field: Field, f: FieldForecast): string {
  return createHash('sha256')
    .update(JSON.stringify([field, f.versions.model, f.versions.waterBalance]))
    .digest('base64url')
    .slice(0, 22);
}

async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

function pointOf(f: FieldForecast, date: string): SeasonPoint {
  return {
    date,
    known: f.basis === 'season-to-date' ? 'season-to-date' : 'at-sowing',
    p10: f.yieldTHa?.p10 ?? null,
    p50: f.yieldTHa?.p50 ?? null,
    p90: f.yieldTHa?.p90 ?? null,
    fao33THa: f.fao33?.yieldTHa ?? null,
  };
}
