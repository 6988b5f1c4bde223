import { describe, expect, it } from 'vitest';
import { FAO56_EXAMPLE_17, stationDay } from '@shamba/schemas/testing';
import { atmosphericPressureKPa, windSpeedAt2m } from '../et0/atmosphere.js';
import { dailyEt0 } from '../et0/et0.js';
import {
  dailyWeather,
  elevationFromPressure,
  et0ForDay,
  utcOffsetMinutes,
} from './daily-weather.js';
import { localDate } from './calendar-days.js';

// FAO-56 Example 17's day as a station would report it: its Rs (eq. 35 from 9.25 h of sunshine,
// 22.07 MJ) and its wind converted to 2 m (eq. 47), so the station's day must give the book's ET0.
const ex17 = FAO56_EXAMPLE_17;
const ex17Rs = dailyEt0({ ...ex17, timestep: 'daily', kRs: 0.16, soilHeatFluxMJ: 0 }).rsMJ;
const ex17Day = {
  tMaxC: ex17.tMaxC,
  tMinC: ex17.tMinC,
  rhMaxPct: ex17.rhMaxPct,
  rhMinPct: ex17.rhMinPct,
  windMs: windSpeedAt2m(ex17.windSpeedMs, ex17.windHeightM),
  solarMJ: ex17Rs,
  rainMm: 3.2,
};

describe('daily weather from station readings', () => {
  it("summarises a day into FAO-56's daily terms and gives Example 17's ET0 (3.9 mm/day)", () => {
    const [day] = dailyWeather(stationDay('wx', '2026-07-06', ex17Day), { utcOffsetMinutes: 0 });
    expect(day).toMatchObject({ dateIso: '2026-07-06', complete: true, hoursCovered: 24 });
    expect(day!.tMaxC).toBeCloseTo(21.5, 10);
    expect(day!.tMinC).toBeCloseTo(12.3, 10);
    expect(day!.rhMaxPct).toBeCloseTo(84, 10);
    expect(day!.rhMinPct).toBeCloseTo(63, 10);
    expect(day!.solarMJ).toBeCloseTo(22.07, 2);
    expect(day!.rainMm).toBeCloseTo(3.2, 10);
    const et0 = et0ForDay(day!, {
      latitudeDeg: ex17.latitudeDeg,
      elevationM: ex17.elevationM,
      windHeightM: 2,
    });
    expect(et0!.et0Mm).toBeCloseTo(3.88, 2);
    expect(Math.round(et0!.et0Mm * 10) / 10).toBe(3.9);
  });

  it('cuts days at local midnight, not UTC', () => {
    // East Africa Time (UTC+3): the local day starts at 21:00 UTC the evening before.
    const readings = stationDay('wx', '2026-11-20', ex17Day, { utcOffsetMinutes: 180 });
    expect(dailyWeather(readings, { utcOffsetMinutes: 180 }).map((d) => d.dateIso)).toEqual([
      '2026-11-20',
    ]);
    const asUtc = dailyWeather(readings, { utcOffsetMinutes: 0 });
    // Cut at UTC midnight, the 19th gets 3 hours (incomplete) and the 20th 21 (enough).
    expect(asUtc.map((d) => [d.dateIso, d.hoursCovered, d.complete])).toEqual([
      ['2026-11-19', 3, false],
      ['2026-11-20', 21, true],
    ]);
    expect(localDate(Date.parse('2026-11-19T21:30:00Z'), 180)).toBe('2026-11-20');
  });

  it('interpolates a few missing hours and refuses a day missing its afternoon', () => {
    const all = stationDay('wx', '2026-07-06', ex17Day);
    const hourOf = (ms: number) => new Date(ms).getUTCHours();
    const fewGone = all.filter((r) => ![1, 2, 9, 22].includes(hourOf(r.timeMs)));
    const [patched] = dailyWeather(fewGone, { utcOffsetMinutes: 0 });
    expect(patched!.complete).toBe(true);
    expect(patched!.hoursCovered).toBe(20);
    // Hour 9 of the 06-18 plateau is interpolated from hours 8 and 10: Rs is unchanged.
    expect(patched!.solarMJ).toBeCloseTo(ex17Rs, 6);

    const afternoonGone = all.filter((r) => ![13, 14, 15, 16, 17].includes(hourOf(r.timeMs)));
    const [holed] = dailyWeather(afternoonGone, { utcOffsetMinutes: 0 });
    expect(holed).toMatchObject({ complete: false, tMaxC: null, solarMJ: null });
    expect(et0ForDay(holed!, { latitudeDeg: 50, elevationM: 100, windHeightM: 2 })).toBeNull();
  });

  it('uses Hargreaves radiation (FAO-56 eq. 50) when the station has no pyranometer', () => {
    const noSun = stationDay('wx', '2026-07-06', ex17Day).map((r) => {
      const { solarWm2: _, ...values } = r.values;
      return { ...r, values };
    });
    const [day] = dailyWeather(noSun, { utcOffsetMinutes: 0 });
    expect(day!.solarMJ).toBeNull();
    const et0 = et0ForDay(day!, { latitudeDeg: ex17.latitudeDeg, elevationM: 100, windHeightM: 2 });
    expect(et0!.radiationFrom).toMatch(/Hargreaves/);
    // 0.16 sqrt(21.5 - 12.3) Ra(41.09) = 19.94 MJ, below Rso (30.90).
    expect(et0!.rsMJ).toBeCloseTo(0.16 * Math.sqrt(9.2) * et0!.raMJ, 6);
  });

  it('finds elevation from the station barometer (FAO-56 eq. 7 inverted; Example 2: 1800 m, 81.8 kPa)', () => {
    expect(atmosphericPressureKPa(1800)).toBeCloseTo(81.8, 1);
    expect(elevationFromPressure(atmosphericPressureKPa(1800))).toBeCloseTo(1800, 6);
    expect(elevationFromPressure(81.8)).toBeCloseTo(1800, -1);
  });

  it('knows the offsets of the cooperatives’ time zones', () => {
    const at = Date.parse('2026-11-28T12:00:00Z');
    expect(utcOffsetMinutes('Africa/Addis_Ababa', at)).toBe(180);
    expect(utcOffsetMinutes('America/Sao_Paulo', at)).toBe(-180);
    expect(utcOffsetMinutes('Asia/Jakarta', at)).toBe(420);
    expect(utcOffsetMinutes('UTC', at)).toBe(0);
    expect(() => utcOffsetMinutes('Mars/Olympus', at)).toThrow();
  });
});
