import type { Field } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';
import {
  addDays,
  cropParameters,
  elevationFromPressure,
  et0ForDay,
  localMidnightMs,
  nominalSeasonDays,
  summariseStation,
  type DailyWeather,
} from '@shamba/agronomy';

/**
 * A season's ratio is computed only when the station has a complete day (ET0 computable) for at
 * least this share of the season: a few missing days barely move a seasonal sum, but a station
 * that missed a fifth of the season may have missed its rains.
 */
export const MIN_SEASON_WEATHER_COVERAGE = 0.8;

export type SeasonRainOverEt0 =
  | { rainOverEt0: number; rainMm: number; et0Mm: number; days: number; seasonDays: number }
  | { missing: string };

/** Where a season's weather is read: the field's station(s), in the cooperative's local days. */
export interface StationWindow {
  store: TimeSeriesStore;
  stationIds: readonly string[];
  utcOffsetMinutes: number;
}

/** The stations' local days from `fromDate` up to (not including) `toDate`, summarised once. */
export async function readStationDays(
  window: StationWindow & { fromDate: string; toDate: string },
): Promise<DailyWeather[]> {
  const { utcOffsetMinutes } = window;
  const readings = await window.store.query({
    deviceIds: [...window.stationIds],
    stream: 'weather',
    fromMs: localMidnightMs(window.fromDate, utcOffsetMinutes),
    toMs: localMidnightMs(window.toDate, utcOffsetMinutes) - 1,
  });
  return summariseStation(readings, { utcOffsetMinutes }).days.filter(
    (d) => d.dateIso >= window.fromDate && d.dateIso < window.toDate,
  );
}

/** The last day (exclusive) of the crop's nominal season sown on `sowingDate`. */
export function seasonEndDate(crop: string, sowingDate: string): string {
  return addDays(sowingDate, nominalSeasonDays(cropParameters(crop)));
}

/**
 * A past season's rain over its reference ET (the yield model's `rainOverEt0`), from the stored
 * readings of the field's weather station(s): each local day from sowing for the crop's nominal
 * season (FAO-56 Table 11 stage lengths), FAO-56 daily Penman-Monteith ET0 (eq. 6) of each
 * complete day, and the rain of the same days, so the ratio is of like with like.
 */
export async function seasonRainOverEt0(
  input: StationWindow & { field: Field; crop: string; sowingDate: string },
): Promise<SeasonRainOverEt0> {
  if (input.stationIds.length === 0) return { missing: 'the cooperative has no weather station' };
  const toDate = seasonEndDate(input.crop, input.sowingDate);
  const days = await readStationDays({ ...input, fromDate: input.sowingDate, toDate });
  return rainOverEt0FromDays({ ...input, days });
}

/**
 * `seasonRainOverEt0` from days already read (any span that holds the season: the days outside
 * it are left out), so that rows sharing a station and a season read its weather once.
 */
export function rainOverEt0FromDays(input: {
  days: readonly DailyWeather[];
  field: Field;
  crop: string;
  sowingDate: string;
}): SeasonRainOverEt0 {
  const seasonDays = nominalSeasonDays(cropParameters(input.crop));
  const endDate = addDays(input.sowingDate, seasonDays);
  const days = input.days.filter((d) => d.dateIso >= input.sowingDate && d.dateIso < endDate);
  const site = siteOf(input.field, days);
  const withEt0 = days.flatMap((d) => {
    const et0 = et0ForDay(d, site);
    return et0 === null ? [] : [{ rainMm: d.rainMm, et0Mm: et0.et0Mm }];
  });
  if (withEt0.length < MIN_SEASON_WEATHER_COVERAGE * seasonDays)
    return {
      missing: `the station has ${withEt0.length} complete days of the season's ${seasonDays} from ${input.sowingDate} (at least ${Math.ceil(MIN_SEASON_WEATHER_COVERAGE * seasonDays)} needed)`,
    };
  const rainMm = withEt0.reduce((s, d) => s + d.rainMm, 0);
  const et0Mm = withEt0.reduce((s, d) => s + d.et0Mm, 0);
  return { rainOverEt0: rainMm / et0Mm, rainMm, et0Mm, days: withEt0.length, seasonDays };
}

/**
 * Latitude from the plot's vertices, elevation from the registry, else from the station's mean
 * pressure (FAO-56 eq. 7 solved for z), else sea level; the anemometer at 2 m.
 */
function siteOf(field: Field, days: readonly DailyWeather[]) {
  const ring = field.boundary.coordinates[0]!;
  const latitudeDeg = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const pressures = days.flatMap((d) => (d.pressureKPa === null ? [] : [d.pressureKPa]));
  const elevationM =
    field.elevationM ??
    (pressures.length > 0
      ? elevationFromPressure(pressures.reduce((s, p) => s + p, 0) / pressures.length)
      : 0);
  return { latitudeDeg, elevationM, windHeightM: 2 };
}
