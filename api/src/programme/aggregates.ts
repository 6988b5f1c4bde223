import type { Coop, Field } from '@shamba/schemas';
import type { LatestByKind } from '@shamba/storage';

/**
 * The fewest farms a published cell may describe. Five is the threshold national statistics
 * offices commonly apply to business and farm tables (e.g. Eurostat's and USDA NASS's
 * disclosure rules use a minimum count of 3-5 contributors); we take the stricter end, since a
 * smallholder's field is their household's living.
 */
export const MIN_FARMS_PER_CELL = 5;

/** One cell of the programme view: a crop in a country, over at least MIN_FARMS_PER_CELL farms. */
export interface ProgrammeCell {
  countryCode: string;
  crop: string;
  farms: number;
  fields: number;
  cooperatives: number;
  areaHa: number;
  /** Share of the fields whose newest irrigation prescription says to irrigate. */
  irrigateShare: number | null;
  /** Mean gross depth over the fields told to irrigate, mm. */
  meanGrossDepthMm: number | null;
  /** Area-weighted mean N prescribed over the fields with a nitrogen prescription, kg N/ha. */
  meanNKgHa: number | null;
}

export interface ProgrammeView {
  minFarmsPerCell: number;
  cells: ProgrammeCell[];
  /** How many cells were withheld (too few farms, or withheld so that none can be derived). */
  withheldCells: number;
}

export interface FieldFacts {
  field: Field;
  latest: LatestByKind;
}

interface Tally {
  countryCode: string;
  crop: string;
  farms: Set<string>;
  coops: Set<string>;
  fields: number;
  areaHa: number;
  irrigationKnown: number;
  irrigate: number;
  grossDepthSumMm: number;
  nAreaHa: number;
  nKgSum: number;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

function cellOf(t: Tally): ProgrammeCell {
  return {
    countryCode: t.countryCode,
    crop: t.crop,
    farms: t.farms.size,
    fields: t.fields,
    cooperatives: t.coops.size,
    areaHa: round(t.areaHa, 1),
    irrigateShare: t.irrigationKnown === 0 ? null : round(t.irrigate / t.irrigationKnown, 2),
    meanGrossDepthMm: t.irrigate === 0 ? null : round(t.grossDepthSumMm / t.irrigate, 1),
    meanNKgHa: t.nAreaHa === 0 ? null : round(t.nKgSum / t.nAreaHa, 1),
  };
}

/**
 * The programme's view: fields grouped by country and crop, each cell published only over at
 * least MIN_FARMS_PER_CELL distinct farmers. No totals are published; and where a country has
 * exactly one withheld cell, the next smallest is withheld too (secondary suppression), so a
 * reader who knows the country's total from elsewhere (a census) cannot subtract the published
 * cells from it to get the withheld one. Pure: the route gathers the facts.
 */
export function programmeView(coops: readonly Coop[], facts: readonly FieldFacts[]): ProgrammeView {
  const countryOf = new Map(coops.map((c) => [c.id, c.countryCode]));
  const tallies = new Map<string, Tally>();
  for (const { field, latest } of facts) {
    const countryCode = countryOf.get(field.coopId);
    if (countryCode === undefined) continue;
    const key = `${countryCode}\u0000${field.crop}`;
    let t = tallies.get(key);
    if (t === undefined) {
      t = {
        countryCode,
        crop: field.crop,
        farms: new Set(),
        coops: new Set(),
        fields: 0,
        areaHa: 0,
        irrigationKnown: 0,
        irrigate: 0,
        grossDepthSumMm: 0,
        nAreaHa: 0,
        nKgSum: 0,
      };
      tallies.set(key, t);
    }
    t.farms.add(`${field.coopId}/${field.farmerId}`);
    t.coops.add(field.coopId);
    t.fields += 1;
    t.areaHa += field.areaHa;
    const irrigation = latest.irrigation;
    if (irrigation !== undefined && irrigation.action !== 'insufficient-data') {
      t.irrigationKnown += 1;
      if (irrigation.action === 'irrigate') {
        t.irrigate += 1;
        t.grossDepthSumMm += irrigation.grossDepthMm;
      }
    }
    const nitrogen = latest.nitrogen;
    if (nitrogen !== undefined && nitrogen.action !== 'insufficient-data') {
      t.nAreaHa += field.areaHa;
      t.nKgSum += nitrogen.nKgHa * field.areaHa;
    }
  }
  const all = [...tallies.values()];
  const withheld = new Set(all.filter((t) => t.farms.size < MIN_FARMS_PER_CELL));
  for (const country of new Set(all.map((t) => t.countryCode))) {
    const inCountry = all.filter((t) => t.countryCode === country);
    const hidden = inCountry.filter((t) => withheld.has(t));
    const shown = inCountry
      .filter((t) => !withheld.has(t))
      .sort((a, b) => a.farms.size - b.farms.size);
    if (hidden.length === 1 && shown[0] !== undefined) withheld.add(shown[0]);
  }
  return {
    minFarmsPerCell: MIN_FARMS_PER_CELL,
    cells: all
      .filter((t) => !withheld.has(t))
      .map(cellOf)
      .sort((a, b) => a.countryCode.localeCompare(b.countryCode) || a.crop.localeCompare(b.crop)),
    withheldCells: withheld.size,
  };
}
