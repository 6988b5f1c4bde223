import type { Coop, Device, Field } from '../registry/entities.js';
import type { Reading, StoredReading } from '../readings/reading.js';

/**
 * A field for tests: a 1 ha maize plot on loam near Ziway (FAO-56 Table 19: FC 0.25, WP 0.12),
 * roots to 0.6 m, furrow-irrigated. Tests override what their assertions depend on.
 */
export function fieldFixture(overrides: Partial<Field> = {}): Field {
  return {
    id: 'field-1',
    coopId: 'coop-a',
    farmerId: 'farmer-1',
    name: 'Lower maize',
    crop: 'maize',
    plantingDate: '2026-07-01',
    areaHa: 1,
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [38.72, 7.93],
          [38.721, 7.93],
          [38.721, 7.931],
          [38.72, 7.93],
        ],
      ],
    },
    soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
    rootDepthM: 0.6,
    irrigationMethod: 'furrow',
    ...overrides,
  };
}

/** A cooperative for tests, in East Africa Time (the tests' usual `utcOffsetMinutes: 180`). */
export function coopFixture(overrides: Partial<Coop> = {}): Coop {
  return {
    id: 'coop-a',
    name: 'A',
    countryCode: 'ET',
    timezone: 'Africa/Addis_Ababa',
    ...overrides,
  };
}

/** A cooperative weather station (on no field), `wx-1`, as the registry stores it. */
export function weatherStationFixture(
  overrides: Partial<Device & { secretHash: string }> = {},
): Device & { secretHash: string } {
  return {
    id: 'wx-1',
    coopId: 'coop-a',
    fieldId: null,
    zoneId: null,
    kind: 'weather-station',
    secretHash: 'x',
    ...overrides,
  };
}

/**
 * A cooperative weather station's stored record of whole local days, one `stationDay` after the
 * other with `seq` running on across them: day i's weather is `weather(i)` (a dry-season day
 * unless given).
 */
export function stationReadings(
  dates: readonly string[],
  options: {
    coopId: string;
    utcOffsetMinutes: number;
    deviceId?: string;
    weather?: (dayIndex: number) => StationDayWeather;
  },
): StoredReading[] {
  const { coopId, utcOffsetMinutes, deviceId = 'wx-1', weather = () => DRY_SEASON_DAY } = options;
  return dates.flatMap((date, i) =>
    stationDay(deviceId, date, weather(i), { utcOffsetMinutes, seqStart: i * 96 }).map((r) => ({
      ...r,
      coopId,
      fieldId: null,
      zoneId: null,
      receivedMs: r.timeMs,
    })),
  );
}

/**
 * FAO-56 Example 17 (Brussels, 6 July, 50°48'N, 100 m): daily ET0 3.9 mm, from wind of 10 km/h
 * at 10 m, RHmax 84 %, RHmin 63 % and 9.25 hours of sunshine.
 */
export const FAO56_EXAMPLE_17 = {
  latitudeDeg: 50 + 48 / 60,
  elevationM: 100,
  dayOfYear: 187,
  windSpeedMs: 10 / 3.6,
  windHeightM: 10,
  tMaxC: 21.5,
  tMinC: 12.3,
  rhMaxPct: 84,
  rhMinPct: 63,
  sunshineHours: 9.25,
} as const;

/**
 * FAO-56 Example 19 (N'Diaye, Senegal, 1 October, 16°13'N 16°15'W, 8 m), the 14:00-15:00 hour:
 * ET0 0.63 mm. FAO-56 takes the time zone's meridian as 15° W here.
 */
export const FAO56_EXAMPLE_19_AFTERNOON = {
  timestep: 'hourly',
  latitudeDeg: 16 + 13 / 60,
  longitudeDeg: -(16 + 15 / 60),
  standardMeridianDeg: -15,
  elevationM: 8,
  dayOfYear: 274,
  hour: 14,
  tC: 38,
  rhPct: 52,
  windSpeedMs: 3.3,
  solarRadiationMJ: 2.45,
} as const;

/** A day of weather in FAO-56's daily terms, for `stationDay`. */
export interface StationDayWeather {
  tMaxC: number;
  tMinC: number;
  rhMaxPct: number;
  rhMinPct: number;
  windMs: number;
  /** Solar radiation over the day, MJ m-2. */
  solarMJ: number;
  rainMm?: number;
  pressureKPa?: number;
}

/** A clear dry-season day in the Ethiopian Rift (ET0 about 5 mm), the tests' usual weather. */
export const DRY_SEASON_DAY: StationDayWeather = {
  tMaxC: 28,
  tMinC: 12,
  rhMaxPct: 80,
  rhMinPct: 35,
  windMs: 2,
  solarMJ: 22,
};

/**
 * A weather station's readings for one local day, every `intervalMin` minutes: temperature a
 * cosine with Tmax exactly at 15:00 and Tmin at 03:00, RH its mirror image, and the sun a
 * 06:00-18:00 plateau whose samples integrate to exactly `solarMJ`. Rain falls in the 14:00
 * sample. Summarising the day must give back exactly what went in.
 */
export function stationDay(
  deviceId: string,
  dateIso: string,
  weather: StationDayWeather,
  options: { utcOffsetMinutes?: number; intervalMin?: number; seqStart?: number } = {},
): Reading[] {
  const interval = options.intervalMin ?? 15;
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  const midnight = Date.parse(`${dateIso}T00:00:00Z`) - offsetMs;
  const plateauWm2 = (weather.solarMJ * 1e6) / (12 * 3600);
  const out: Reading[] = [];
  for (let minute = 0, i = 0; minute < 24 * 60; minute += interval, i++) {
    const hour = minute / 60;
    const c = Math.cos((2 * Math.PI * (hour - 15)) / 24); // 1 at 15:00, -1 at 03:00
    const values: Record<string, number> = {
      airTempC: (weather.tMaxC + weather.tMinC) / 2 + ((weather.tMaxC - weather.tMinC) / 2) * c,
      rhPct:
        (weather.rhMaxPct + weather.rhMinPct) / 2 - ((weather.rhMaxPct - weather.rhMinPct) / 2) * c,
      windMs: weather.windMs,
      solarWm2: hour >= 6 && hour < 18 ? plateauWm2 : 0,
      rainMm: minute === 14 * 60 ? (weather.rainMm ?? 0) : 0,
    };
    if (weather.pressureKPa !== undefined) values.pressureKPa = weather.pressureKPa;
    out.push({
      deviceId,
      stream: 'weather',
      timeMs: midnight + minute * 60_000,
      seq: (options.seqStart ?? 0) + i,
      values,
    });
  }
  return out;
}
