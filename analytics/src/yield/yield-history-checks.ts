import { SEASON_NAME, type Field, type YieldHistoryRow } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { addDays, cropParameters, nominalSeasonDays } from '@shamba/agronomy';
import { createFieldData } from '../prescriptions/field-data.js';
import { seasonRainOverEt0 } from './history-season-weather.js';
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
  const problems = [...duplicateProblems(rows)];
  const fieldData = createFieldData({ registry, store, clock });
  const coop = await fieldData.coop(coopId);
  const checked: YieldHistoryRow[] = [];
  for (const numbered of rows) {
    const found = rowProblems(numbered, context);
    problems.push(...found);
    const { row, line } = numbered;
    if (found.length > 0 || row.rain_over_et0 !== undefined) {
      checked.push(row);
      continue;
    }
    if (row.sowing_date === undefined) {
      problems.push(
        `line ${line}, rain_over_et0: missing; give it, or sowing_date to compute it from the field's stored station weather`,
      );
      continue;
    }
    const field = fields.get(row.field_id)!;
    const computed = await seasonRainOverEt0({
      store,
      field,
      crop: row.crop,
      sowingDate: row.sowing_date,
      stationIds: fieldData.stationsFor(coop, field),
      utcOffsetMinutes: coop.utcOffsetMinutes,
    });
    if ('missing' in computed)
      problems.push(`line ${line}, rain_over_et0: missing, and ${computed.missing}`);
    else checked.push({ ...row, rain_over_et0: round4(computed.rainOverEt0) });
  }
  if (problems.length > 0) throw badRows(problems.sort(byLine), rows.length);
  return checked;
}

const lineOf = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1] ?? 0);
const byLine = (a: string, b: string) => lineOf(a) - lineOf(b);
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
