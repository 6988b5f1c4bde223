import { parse } from 'csv-parse/sync';
import {
  MAX_HISTORY_ROWS,
  ShambaError,
  YieldHistoryRowSchema,
  type YieldHistoryRow,
} from '@shamba/schemas';
import { FEATURE_NAMES, YIELD_CROPS } from './yield-features.js';
import type { LabelledSeason } from './train-yield-model.js';

/** A history row with the CSV line it came from, so that every complaint can name it. */
export interface NumberedHistoryRow {
  line: number;
  row: YieldHistoryRow;
}

/**
 * An upload names at most this many bad rows: enough to fix a column's mistake everywhere, short
 * enough to read in an error message (the count of the rest is given).
 */
export const MAX_LISTED_PROBLEMS = 20;

/** The refusal of a whole upload: every problem found (the first MAX_LISTED_PROBLEMS listed). */
export function badRows(problems: readonly string[], rows: number): ShambaError {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  return new ShambaError(
    'INVALID_REQUEST',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} rows; nothing was stored:\n${listed.join('\n')}${more > 0 ? `\n... and ${more} more` : ''}`,
    { details: { problems: listed, more } },
  );
}

/**
 * Reads a cooperative's yield history CSV (see `YieldHistoryRowSchema` for the columns), each row
 * with its line. Every bad cell is reported by line and column; none is returned unless all are
 * good, so a half-read file never trains a model. Checks against the registry (fields, crops,
 * plausible yields, dates) are `checkYieldHistory`'s.
 */
export function readYieldHistoryCsv(text: string): NumberedHistoryRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse<{ record: Record<string, string>; info: { lines: number } }>(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      to_line: MAX_HISTORY_ROWS + 2,
    });
  } catch (error) {
    throw new ShambaError('INVALID_REQUEST', `not a readable CSV: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new ShambaError('INVALID_REQUEST', 'the CSV has no rows');
  if (records.length > MAX_HISTORY_ROWS)
    throw new ShambaError('INVALID_REQUEST', `more than ${MAX_HISTORY_ROWS} rows`);
  const problems: string[] = [];
  const rows = records.flatMap(({ record, info }) => {
    const parsed = YieldHistoryRowSchema.safeParse(record);
    if (parsed.success) return [{ line: info.lines, row: parsed.data }];
    for (const issue of parsed.error.issues)
      problems.push(`line ${info.lines}, ${issue.path.join('.') || 'row'}: ${issue.message}`);
    return [];
  });
  if (problems.length > 0) throw badRows(problems, records.length);
  return rows;
}

/** The rows of a yield history CSV, checked cell by cell (see `readYieldHistoryCsv`). */
export function parseYieldHistoryCsv(text: string): YieldHistoryRow[] {
  return readYieldHistoryCsv(text).map((r) => r.row);
}

/**
 * The model's feature row for a season that ended (season fraction 1). A feature the row lacks
 * (rain over ET0 from before that column existed) is NaN here: such a season is left out of
 * training, with its reason in the model's meta (see `trainAndSave`), never trained on.
 */
export function historyFeatures(row: YieldHistoryRow): number[] {
  const crop = (YIELD_CROPS as readonly string[]).includes(row.crop) ? row.crop : 'other';
  const named: Record<string, number> = {
    seasonFraction: 1,
    ndviIntegral: row.ndvi_integral,
    ndviPeak: row.ndvi_peak,
    gddPerDay: row.gdd_per_day,
    etaOverEtc: row.eta_over_etc,
    rainMm: row.rain_mm,
    rainOverEt0: row.rain_over_et0 ?? Number.NaN,
    nitrogenKgHa: row.nitrogen_kg_ha,
    tawMm: row.taw_mm,
    ...Object.fromEntries(YIELD_CROPS.map((c) => [`crop:${c}`, c === crop ? 1 : 0])),
    'crop:other': crop === 'other' ? 1 : 0,
  };
  return FEATURE_NAMES.map((n) => named[n] ?? Number.NaN);
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
