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

/**
 * A past season's rain over its reference ET (the yield model's `rainOverEt0`), from the stored
 * readings of the field's weather station(s): each local day from sowing for the crop's nominal
 * season (FAO-56 Table 11 stage lengths), FAO-56 daily Penman-Monteith ET0 (eq. 6) of each
 * complete day, and the rain of the same days, so the ratio is of like with like.
 */
export async function seasonRainOverEt0(input: {
  store: TimeSeriesStore;
  field: Field;
  crop: string;
  sowingDate: string;
  stationIds: readonly string[];
  utcOffsetMinutes: number;
}): Promise<SeasonRainOverEt0> {
  const { field, utcOffsetMinutes } = input;
  if (input.stationIds.length === 0) return { missing: 'the cooperative has no weather station' };
  const seasonDays = nominalSeasonDays(cropParameters(input.crop));
  const endDate = addDays(input.sowingDate, seasonDays);
  const readings = await input.store.query({
    deviceIds: [...input.stationIds],
    stream: 'weather',
    fromMs: localMidnightMs(input.sowingDate, utcOffsetMinutes),
    toMs: localMidnightMs(endDate, utcOffsetMinutes) - 1,
  });
  const days = summariseStation(readings, { utcOffsetMinutes }).days.filter(
    (d) => d.dateIso >= input.sowingDate && d.dateIso < endDate,
  );
  const site = siteOf(field, days);
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
