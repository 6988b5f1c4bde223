import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  MAX_HISTORY_ROWS,
  ShambaError,
  YieldHistoryRowSchema,
  type YieldHistoryRow,
} from '@shamba/schemas';
import { FEATURE_NAMES, YIELD_CROPS } from './yield-features.js';
import type { LabelledSeason } from './train-yield-model.js';

/**
 * Reads a cooperative's yield history CSV (see `YieldHistoryRowSchema` for the columns). Every
 * bad row is reported with its line; none is stored unless all are good, so a half-read file
 * never trains a model.
 */
export function parseYieldHistoryCsv(text: string): YieldHistoryRow[] {
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      to_line: MAX_HISTORY_ROWS + 2,
    });
  } catch (error) {
    throw new ShambaError('INVALID_REQUEST', `not a readable CSV: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new ShambaError('INVALID_REQUEST', 'the CSV has no rows');
  if (records.length > MAX_HISTORY_ROWS)
    throw new ShambaError('INVALID_REQUEST', `more than ${MAX_HISTORY_ROWS} rows`);
  const problems: string[] = [];
  const rows = records.flatMap((record, i) => {
    const parsed = YieldHistoryRowSchema.safeParse(record);
    if (parsed.success) return [parsed.data];
    if (problems.length < 20)
      problems.push(`line ${i + 2}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
    return [];
  });
  if (problems.length > 0)
    throw new ShambaError('INVALID_REQUEST', `bad rows:\n${problems.join('\n')}`);
  return rows;
}

/** The model's feature row for a season that ended (season fraction 1). */
export function historyFeatures(row: YieldHistoryRow): number[] {
  const crop = (YIELD_CROPS as readonly string[]).includes(row.crop) ? row.crop : 'other';
  const named: Record<string, number> = {
    seasonFraction: 1,
    ndviIntegral: row.ndvi_integral,
    ndviPeak: row.ndvi_peak,
    gddPerDay: row.gdd_per_day,
    etaOverEtc: row.eta_over_etc,
    rainMm: row.rain_mm,
    nitrogenKgHa: row.nitrogen_kg_ha,
    tawMm: row.taw_mm,
    ...Object.fromEntries(YIELD_CROPS.map((c) => [`crop:${c}`, c === crop ? 1 : 0])),
    'crop:other': crop === 'other' ? 1 : 0,
  };
  return FEATURE_NAMES.map((n) => named[n]!);
}

/** History rows as labelled seasons: grouped by season, so a season is held out whole. */
export function historySeasons(coopId: string, rows: readonly YieldHistoryRow[]): LabelledSeason[] {
  return rows.map((row) => ({
    source: 'history',
    id: `${coopId}/${row.season}/${row.field_id}`,
    group: `${coopId}/${row.season}`,
    crop: row.crop,
    days: [],
    seasonLengthDays: 1,
    nitrogenKgHa: row.nitrogen_kg_ha,
    tawMm: row.taw_mm,
    yieldTHa: row.yield_t_ha,
    endOfSeason: historyFeatures(row),
  }));
}
