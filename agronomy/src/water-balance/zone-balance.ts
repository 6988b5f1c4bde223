import { round, type ComputationStep, type Field, type StoredReading } from '@shamba/schemas';
import type { CropParameters } from '../crops/crop-parameters.js';
import { latestPerDevice, rootZoneWaterContent } from '../soil-moisture/root-zone.js';
import { localDate, type TimedAmount } from '../weather/daily-weather.js';
import { addDays, DAY_MS, daysBetween } from '../weather/calendar-days.js';
import { cropDay } from './crop-coefficient.js';
import { stepWaterBalance } from './daily-balance.js';
import {
  adjustDepletionFraction,
  depletionFromWaterContent,
  totalAvailableWaterMm,
} from './soil-water.js';

/** Days whose ET0 stands in for a day without a complete record, and for today's and the forecast's. */
export const ET0_FILL_DAYS = 3;

export interface ZoneSpec {
  id: string;
  areaHa: number;
  nRichStrip: boolean;
  soil: Field['soil'];
  rootDepthM: number;
}

/** Where the balance of one zone stands at the end of a day. */
export interface ZoneState {
  drMm: number | null;
  source: 'sensor' | 'water-balance' | null;
  lastSensorDate: string | null;
}

export interface BalanceTraceDay {
  dateIso: string;
  etcMm: number;
  etaMm: number;
}

export interface BalanceInput {
  zone: ZoneSpec;
  crop: CropParameters;
  sowing: string;
  start: string;
  today: string;
  soil: readonly StoredReading[];
  et0ByDay: ReadonlyMap<string, number>;
  /** Rain and applied irrigation as they were reported, time-ordered. */
  rain: readonly TimedAmount[];
  irrigation: readonly TimedAmount[];
  asOfMs: number;
  utcOffsetMinutes: number;
}

/**
 * One zone's balance from `start` to today. Dr is unknown until sowing (when FAO-56 takes the
 * soil at field capacity after the pre-sowing rain or irrigation, Dr = 0) or the first day with a
 * probe reading; from then on FAO-56 eq. 85 carries it, and each probe day resets it (eq. 87).
 */
export function runBalance(b: BalanceInput): {
  final: ZoneState;
  steps: ComputationStep[];
  trace: BalanceTraceDay[];
} {
  const trace: BalanceTraceDay[] = [];
  const { zone, crop } = b;
  const sensorDays = new Map<string, StoredReading[]>();
  for (const r of b.soil) {
    if (r.timeMs > b.asOfMs) continue;
    const date = localDate(r.timeMs, b.utcOffsetMinutes);
    const list = sensorDays.get(date) ?? [];
    list.push(r);
    sensorDays.set(date, list);
  }
  const state: ZoneState = { drMm: null, source: null, lastSensorDate: null };
  let balanceDays = 0;
  let filledDays = 0;
  let rainMm = 0;
  let irrigationMm = 0;
  let gap: string | null = null;
  for (let date = b.start; date <= b.today; date = addDays(date, 1)) {
    const das = daysBetween(b.sowing, date);
    const day = cropDay(crop, das, zone.rootDepthM);
    const taw = totalAvailableWaterMm(
      zone.soil.fieldCapacity,
      zone.soil.wiltingPoint,
      day.rootDepthM,
    );
    const dayStartMs = Date.parse(`${date}T00:00:00Z`) - b.utcOffsetMinutes * 60_000;
    const dayEndMs = Math.min(dayStartMs + DAY_MS, b.asOfMs);
    // The balance of a day runs from midnight, or from the newest probe reading of the day.
    let fromMs = dayStartMs;
    const probes = sensorDays.get(date);
    const latest = probes === undefined ? [] : latestPerDevice(probes);
    const water = latest.length === 0 ? null : rootZoneWaterContent(latest, day.rootDepthM);
    if (water !== null) {
      state.drMm = depletionFromWaterContent({
        fieldCapacity: zone.soil.fieldCapacity,
        wiltingPoint: zone.soil.wiltingPoint,
        waterContent: water.theta,
        rootDepthM: day.rootDepthM,
      });
      state.source = 'sensor';
      state.lastSensorDate = date;
      balanceDays = filledDays = rainMm = irrigationMm = 0;
      gap = null;
      fromMs = Math.max(...latest.map((r) => r.timeMs));
    }
    if (date === b.sowing && state.drMm === null) {
      state.drMm = 0;
      state.source = 'water-balance';
    }
    if (state.drMm === null || dayEndMs <= fromMs) continue;
    let et0 = b.et0ByDay.get(date);
    if (et0 === undefined) {
      // Today, or a day without a complete record: the nearest complete days stand in.
      et0 = nearbyMean(b.et0ByDay, date);
      if (et0 === undefined) {
        gap = date;
        state.drMm = null;
        state.source = null;
        continue;
      }
      filledDays++;
    }
    // Only the part of the day after `fromMs` (and before now) is left to account for.
    const share = (dayEndMs - fromMs) / DAY_MS;
    const rain = sumBetween(b.rain, fromMs, dayEndMs);
    const irrigation = sumBetween(b.irrigation, fromMs, dayEndMs);
    const result = stepWaterBalance({
      drPreviousMm: Math.min(state.drMm, taw),
      et0Mm: et0 * share,
      kc: day.kc,
      rainMm: rain,
      irrigationMm: irrigation,
      tawMm: taw,
      depletionFraction: adjustDepletionFraction(crop.depletionFraction, day.kc * et0),
    });
    state.drMm = result.drMm;
    trace.push({ dateIso: date, etcMm: result.etcMm, etaMm: result.etcAdjMm });
    if (share >= 0.5 || state.source !== 'sensor') state.source = 'water-balance';
    balanceDays += share >= 0.5 ? 1 : 0;
    rainMm += rain;
    irrigationMm += irrigation;
  }
  const steps: ComputationStep[] = [];
  if (state.drMm !== null) {
    const origin =
      state.lastSensorDate === null
        ? `Dr = 0 at sowing ${b.sowing} (FAO-56: soil at field capacity)`
        : `probes on ${state.lastSensorDate}`;
    steps.push({
      name: 'Dr today',
      formula:
        balanceDays === 0
          ? `${origin}, 1000 (theta_FC - theta_root) Zr`
          : `${origin}, then ${balanceDays} days of balance (rain ${round(rainMm, 1)} mm, ` +
            `irrigation ${round(irrigationMm, 1)} mm, ${filledDays} days' ET0 from nearby days)`,
      value: round(state.drMm, 1),
      unit: 'mm',
      source:
        state.source === 'sensor'
          ? 'FAO-56 eq. 87'
          : 'FAO-56 eq. 85 daily from sowing or the last probe day',
    });
  } else if (gap !== null) {
    steps.push({
      name: 'Dr today',
      formula: `unknown: no weather within ${ET0_FILL_DAYS} days of ${gap} and no probe reading since`,
      value: null,
      unit: 'mm',
      source: 'FAO-56 eq. 85',
    });
  }
  return { final: state, steps, trace };
}

/** Water reported in (fromMs, toMs]: each report covers the time since the one before it. */
function sumBetween(events: readonly TimedAmount[], fromMs: number, toMs: number): number {
  let sum = 0;
  for (const e of events) if (e.timeMs > fromMs && e.timeMs <= toMs) sum += e.mm;
  return sum;
}

function nearbyMean(et0ByDay: ReadonlyMap<string, number>, date: string): number | undefined {
  const near: number[] = [];
  for (let k = 1; k <= ET0_FILL_DAYS; k++) {
    for (const d of [addDays(date, -k), addDays(date, k)]) {
      const v = et0ByDay.get(d);
      if (v !== undefined) near.push(v);
    }
    if (near.length > 0) break;
  }
  return near.length === 0 ? undefined : near.reduce((s, v) => s + v, 0) / near.length;
}
