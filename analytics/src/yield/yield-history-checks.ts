import { SEASON_NAME, type Field, type YieldHistoryRow } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { addDays, cropParameters, nominalSeasonDays } from '@shamba/agronomy';
import { createFieldData } from '../prescriptions/field-data.js';
import {
  computeRainOverEt0,
  planWeatherReads,
  type RowToCompute,
} from './history-rain-over-et0.js';
import { PLAUSIBLE_YIELDS, knownHistoryCrops } from './plausible-yields.js';
import { badRows, type NumberedHistoryRow } from './yield-history.js';

/**
 * A yield is recorded at harvest: a season sown less than this share of the crop's nominal length
 * ago cannot have one yet. Not 1: the crop table's lengths are nominal, and an early variety
 * finishes up to a quarter sooner.
 */
const MIN_SEASON_SHARE_BEFORE_HARVEST = 0.75;

const KNOWN_CROPS = knownHistoryCrops();

export interface HistoryContext {
  /** The cooperative's fields by id (another cooperative's field is not among them). */
  fields: ReadonlyMap<string, Field>;
  /** Today, as an ISO date. */
  todayIso: string;
}

/**
 * What is wrong with one row, each problem naming the line and the column: the field must be the
 * cooperative's, the crop one the agronomy table knows, the yield below the crop's record, the
 * season not in the future (its year, its sowing, its harvest).
 */
export function rowProblems({ line, row }: NumberedHistoryRow, context: HistoryContext): string[] {
  const at = (column: string, message: string) => `line ${line}, ${column}: ${message}`;
  const problems: string[] = [];
  if (!context.fields.has(row.field_id))
    problems.push(at('field_id', `no field ${row.field_id} in this cooperative`));
  const plausible = PLAUSIBLE_YIELDS[row.crop];
  if (plausible === undefined || !KNOWN_CROPS.includes(row.crop))
    problems.push(at('crop', `unknown crop ${row.crop} (known: ${KNOWN_CROPS.join(', ')})`));
  else if (row.yield_t_ha > plausible.maxTHa)
    problems.push(
      at(
        'yield_t_ha',
        `${row.yield_t_ha} t/ha of ${row.crop} is above the most ever recorded, ${plausible.maxTHa} t/ha (${plausible.source}); a unit slip?`,
      ),
    );
  const seasonYear = Number(SEASON_NAME.exec(row.season)?.[1]);
  const thisYear = Number(context.todayIso.slice(0, 4));
  if (seasonYear > thisYear)
    problems.push(at('season', `${row.season} is in the future (this is ${thisYear})`));
  const sown = row.sowing_date;
  if (sown !== undefined)
    problems.push(
      ...sowingProblems(row, { sown, todayIso: context.todayIso, seasonYear }).map((m) =>
        at('sowing_date', m),
      ),
    );
  return problems;
}

/** A sowing date after today, outside its season's year, or too recent for a harvest. */
function sowingProblems(
  row: YieldHistoryRow,
  { sown, todayIso, seasonYear }: { sown: string; todayIso: string; seasonYear: number },
): string[] {
  if (sown > todayIso) return [`${sown} is in the future (today is ${todayIso})`];
  const sownYear = Number(sown.slice(0, 4));
  // A season is named by its harvest year or its sowing year (a `bega` crop sown in November).
  if (sownYear !== seasonYear && sownYear !== seasonYear - 1)
    return [`${sown} is not in season ${row.season}`];
  const days = nominalSeasonDays(cropParameters(row.crop));
  const earliestHarvest = addDays(sown, Math.ceil(MIN_SEASON_SHARE_BEFORE_HARVEST * days));
  return earliestHarvest > todayIso
    ? [`${row.crop} sown ${sown} is not harvested before ${earliestHarvest}: no yield yet`]
    : [];
}

/** The same field-season twice in one upload: the later would silently replace the earlier. */
function duplicateProblems(rows: readonly NumberedHistoryRow[]): string[] {
  const first = new Map<string, number>();
  return rows.flatMap(({ line, row }) => {
    const key = `${row.season}\u0000${row.field_id}`;
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, line);
      return [];
    }
    return [
      `line ${line}, season: ${row.season} of field ${row.field_id} is already on line ${seen}`,
    ];
  });
}

/**
 * Checks an upload against the cooperative's registry and fills in what a row lacks from stored
 * data: rain over ET0 from the field's station over the season (from `sowing_date`). A row that
 * lacks it and cannot have it computed is refused. Any problem refuses the whole upload
 * (INVALID_REQUEST naming every bad row, up to a cap), so nothing half-checked is stored.
 *
 * The cheap checks run first, on every row: an upload they refuse reads no weather at all. Then
 * the rows left to compute are counted and refused past MAX_COMPUTED_ROWS (or
 * MAX_WEATHER_READS), before any weather is read; each station's weather is read once a window.
 */
export async function checkYieldHistory(input: {
  coopId: string;
  rows: readonly NumberedHistoryRow[];
  registry: Registry;
  store: TimeSeriesStore;
  clock: () => number;
}): Promise<YieldHistoryRow[]> {
  const { coopId, rows, registry, store, clock } = input;
  const fields = new Map((await registry.fields.list({ coopId })).map((f) => [f.id, f]));
  const context = { fields, todayIso: new Date(clock()).toISOString().slice(0, 10) };
  const problems = [...duplicateProblems(rows), ...rows.flatMap((n) => cheapProblems(n, context))];
  if (problems.length > 0) throw badRows(problems.sort(byLine), rows.length);
  const fieldData = createFieldData({ registry, store, clock });
  const coop = await fieldData.coop(coopId);
  const toCompute = rows.flatMap(({ line, row }): RowToCompute[] => {
    if (row.rain_over_et0 !== undefined || row.sowing_date === undefined) return [];
    const field = fields.get(row.field_id)!;
    const stationIds = fieldData.stationsFor(coop, field);
    return [{ numbered: { line, row }, sowingDate: row.sowing_date, field, stationIds }];
  });
  const reads = planWeatherReads(toCompute);
  const computed = await computeRainOverEt0({
    reads,
    store,
    utcOffsetMinutes: coop.utcOffsetMinutes,
  });
  const checked = rows.map(({ line, row }) => {
    const value = computed.get(line);
    if (value === undefined) return row;
    if (typeof value !== 'number')
      problems.push(`line ${line}, rain_over_et0: missing, and ${value.missing}`);
    return typeof value === 'number' ? { ...row, rain_over_et0: round4(value) } : row;
  });
  if (problems.length > 0) throw badRows(problems.sort(byLine), rows.length);
  return checked;
}

/** A row's problems that need no weather: its cells against the registry, and a missing input. */
function cheapProblems(numbered: NumberedHistoryRow, context: HistoryContext): string[] {
  const found = rowProblems(numbered, context);
  const { line, row } = numbered;
  if (found.length > 0 || row.rain_over_et0 !== undefined || row.sowing_date !== undefined)
    return found;
  return [
    `line ${line}, rain_over_et0: missing; give it, or sowing_date to compute it from the field's stored station weather`,
  ];
}

const lineOf = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);
const byLine = (a: string, b: string) => lineOf(a) - lineOf(b);
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
