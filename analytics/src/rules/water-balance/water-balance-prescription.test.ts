import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, type StoredReading } from '@shamba/schemas';
import {
  DRY_SEASON_DAY,
  fieldFixture,
  stationDay,
  type StationDayWeather,
} from '@shamba/schemas/testing';
import { dailyEt0, summariseStation, addDays, type StationWeather } from '@shamba/agronomy';
import { EAT, midnight, square } from '../../testing/ziway-plots.js';
import { waterBalancePrescription } from './water-balance-prescription.js';

const ZIWAY = { latitudeDeg: 7.93, elevationM: 1640 };

/** The book's ET0 for one of our station days, computed straight from FAO-56 eq. 6. */
function et0Of(dateIso: string, w: StationDayWeather = DRY_SEASON_DAY): number {
  const doy =
    (Date.parse(`${dateIso}T00:00:00Z`) - Date.UTC(Number(dateIso.slice(0, 4)), 0, 0)) / DAY_MS;
  return dailyEt0({
    timestep: 'daily',
    ...ZIWAY,
    dayOfYear: doy,
    windSpeedMs: w.windMs,
    windHeightM: 2,
    tMaxC: w.tMaxC,
    tMinC: w.tMinC,
    rhMaxPct: w.rhMaxPct,
    rhMinPct: w.rhMinPct,
    solarRadiationMJ: w.solarMJ,
    kRs: 0.16,
    soilHeatFluxMJ: 0,
  }).et0Mm;
}

function stored(
  r: Omit<StoredReading, 'coopId' | 'fieldId' | 'zoneId' | 'receivedMs'>,
  zoneId: string | null = null,
): StoredReading {
  return { ...r, coopId: 'coop-a', fieldId: 'field-1', zoneId, receivedMs: r.timeMs };
}

function weatherDays(
  from: string,
  toExclusive: string,
  w = DRY_SEASON_DAY,
  rain: Record<string, number> = {},
): StationWeather {
  return summariseStation(weatherReadings(from, toExclusive, w, rain), { utcOffsetMinutes: EAT });
}

function weatherReadings(
  from: string,
  toExclusive: string,
  w: StationDayWeather,
  rain: Record<string, number>,
) {
  const out: StoredReading[] = [];
  for (let d = from; d < toExclusive; d = addDays(d, 1))
    out.push(
      ...stationDay('wx-1', d, { ...w, rainMm: rain[d] ?? 0 }, { utcOffsetMinutes: EAT }).map((r) =>
        stored(r),
      ),
    );
  return out;
}

function probe(deviceId: string, atMs: number, theta: number, zoneId: string | null = null) {
  return stored(
    {
      deviceId,
      stream: 'soil',
      timeMs: atMs,
      seq: 0,
      values: { vwc10: theta, vwc30: theta, vwc60: theta },
    },
    zoneId,
  );
}

describe('FAO-56 water balance rule', () => {
  it('carries Dr from sowing by the daily balance (10 initial-stage days: Dr = 10 x 0.3 x ET0)', () => {
    const field = fieldFixture({ plantingDate: '2026-11-01', elevationM: 1640 });
    const today = '2026-11-11';
    const p = waterBalancePrescription({
      field,
      utcOffsetMinutes: EAT,
      weather: weatherDays('2026-11-01', today),
      soil: [],
      status: [],
      asOfMs: midnight(today),
      createdAtMs: midnight(today),
    });
    // Maize Kc ini 0.3 (FAO-56 Table 12) for 30 days; no rain; Dr stays under RAW, so Ks = 1.
    let expected = 0;
    for (let d = '2026-11-01'; d < today; d = addDays(d, 1)) expected += 0.3 * et0Of(d);
    const zone = p.zones![0]!;
    expect(zone.drSource).toBe('water-balance');
    expect(zone.drMm).toBeCloseTo(expected, 1);
    expect(p.steps.find((s) => s.name === 'ET0')!.value).toBeCloseTo(et0Of('2026-11-10'), 1);
    expect(zone.action).toBe('none');
    expect(zone.reason).toBe('not-yet');
    // Day 10 of 80 to mid-season: Zr = 0.2 + (0.6 - 0.2) x 10 / 80 = 0.25 m, used as it is (not
    // rounded to 0.3 m first, which made TAW 39 mm): TAW = 1000 (0.25 - 0.12) x 0.25 = 32.5 mm.
    const value = (name: string) => zone.steps.find((s) => s.name === name)?.value;
    expect([value('Zr'), value('TAW')]).toEqual([0.25, 32.5]);
    // RAW = p x 32.5 mm with p = 0.55 + 0.04 (5 - ETc); Dr grows by about ETc a day (Ks = 1)
    // until it reaches RAW: the first projected day with Dr >= RAW is the day to irrigate by.
    const etc = value('ETc')!;
    const raw = (0.55 + 0.04 * (5 - etc)) * 32.5;
    expect(Math.abs(value('RAW')! - raw)).toBeLessThan(0.1); // ETc and RAW shown to 0.1 mm
    const daysToRaw = Math.ceil((raw - zone.drMm!) / etc - 1e-9);
    expect(zone.irrigateBy).toBe(addDays(today, daysToRaw));
    expect([zone.urgency, zone.daysBeforeStress]).toEqual(['by-date', daysToRaw]);
    expect(p.provenance.rule.name).toBe('fao56-water-balance');
  });

  it('resets Dr to the probes, irrigates the dry zone, not the wet one, and lets a zone without a probe borrow', () => {
    const sowing = '2026-08-20'; // 90 days before: maize in mid-season, roots at the field's 0.6 m
    const today = '2026-11-18';
    const field = fieldFixture({
      plantingDate: sowing,
      elevationM: 1640,
      areaHa: 0.9,
      pumpFlowM3h: 30,
      zones: [
        {
          id: 'sandy',
          boundary: square(0),
          areaHa: 0.3,
          soil: { texture: 'sandy-loam', fieldCapacity: 0.23, wiltingPoint: 0.1 },
        },
        { id: 'loam', boundary: square(0.001), areaHa: 0.3 },
        { id: 'corner', boundary: square(0.002), areaHa: 0.3 },
      ],
    });
    const morning = midnight(today) + 8 * 3_600_000;
    const p = waterBalancePrescription({
      field,
      utcOffsetMinutes: EAT,
      // Weather only for the last week: the balance cannot have run since sowing.
      weather: weatherDays(addDays(today, -7), today),
      soil: [probe('p-sandy', morning, 0.14, 'sandy'), probe('p-loam', morning, 0.24, 'loam')],
      status: [],
      asOfMs: morning,
      createdAtMs: morning,
    });
    const [sandy, loam, corner] = p.zones!;
    // Sandy: Dr = 1000 (0.23 - 0.14) 0.6 = 54 mm >= RAW -> refill 54 mm net, 90 mm gross by
    // furrow (Ea 0.6), 90 mm x 0.3 ha x 10 = 270 m3 = 270,000 litres, 270 / 30 m3/h = 540 min.
    expect(sandy).toMatchObject({
      action: 'irrigate',
      drSource: 'sensor',
      drMm: 54,
      netDepthMm: 54,
      grossDepthMm: 90,
      volumeM3: 270,
      litres: 270_000,
      pumpMinutes: 540,
      tawMm: 78,
    });
    // Loam: Dr = 1000 (0.25 - 0.24) 0.6 = 6 mm, far below RAW.
    expect(loam).toMatchObject({ action: 'none', reason: 'not-yet', drSource: 'sensor', drMm: 6 });
    // Corner: no probe, no balance since sowing: the mean share of the others, (54/78 + 6/78)/2.
    expect(corner!.drSource).toBe('sibling-zones');
    expect(corner!.drMm).toBeCloseTo(((54 / 78 + 6 / 78) / 2) * 78, 1);
    expect(p.action).toBe('irrigate');
    expect(p.volumeM3).toBeCloseTo(sandy!.volumeM3 + loam!.volumeM3 + corner!.volumeM3, 6);
    // 270 m3 is more than the pump gives in a day (30 m3/h for 8 h = 240 m3): today's share first.
    expect(p.summary).toMatch(
      /^Irrigate Lower maize today as far as the supply allows, most urgent zone first: sandy 480 min of pumping \(refills 2666.7 m2 to field capacity\)\. The full refill needs 270 m3 \(540 min of pumping\)/,
    );
  });

  it('gives no water after heavy rain, and counts the valve controller’s water', () => {
    const sowing = '2026-08-20';
    const today = '2026-11-18';
    const field = fieldFixture({ plantingDate: sowing, elevationM: 1640 });
    const threeDaysAgo = midnight(addDays(today, -3)) + 8 * 3_600_000;
    const base = {
      field,
      utcOffsetMinutes: EAT,
      soil: [probe('p-1', threeDaysAgo, 0.15)],
      asOfMs: midnight(today) + 6 * 3_600_000,
      createdAtMs: 0,
    };
    const dry = waterBalancePrescription({
      ...base,
      weather: weatherDays(addDays(today, -10), today),
      status: [],
    });
    const dryZone = dry.zones![0]!;
    // Dr from the probe (60 mm) grows by three days of ETc under stress: an irrigation is due.
    expect(dryZone.drSource).toBe('water-balance');
    expect(dryZone.drMm!).toBeGreaterThan(60);
    expect(dryZone.action).toBe('irrigate');

    const rainy = waterBalancePrescription({
      ...base,
      weather: weatherDays(addDays(today, -10), today, DRY_SEASON_DAY, {
        [addDays(today, -1)]: 80,
      }),
      status: [],
    });
    expect(rainy.zones![0]).toMatchObject({ action: 'none' });
    expect(rainy.zones![0]!.drMm!).toBeLessThan(5);

    const watered = waterBalancePrescription({
      ...base,
      weather: weatherDays(addDays(today, -10), today),
      status: [
        stored({
          deviceId: 'valve-1',
          stream: 'status',
          timeMs: threeDaysAgo + 3_600_000,
          seq: 1,
          values: { appliedMm: 50 },
        }),
      ],
    });
    // 50 mm after the probe reading: Dr falls to about 10 mm, and the unstressed crop then uses
    // more (Ks = 1) than the stressed one did, so the gap is less than 50 mm but large.
    const wateredZone = watered.zones![0]!;
    expect(wateredZone.drMm!).toBeLessThan(dryZone.drMm! - 30);
    expect(wateredZone.steps.find((s) => s.name === 'Dr today')!.formula).toMatch(
      /irrigation 50 mm/,
    );
    expect(wateredZone.action).toBe('none');
  });

  it('says insufficient-data without a complete day of weather', () => {
    const field = fieldFixture({ plantingDate: '2026-08-20' });
    const at = midnight('2026-11-18') + 8 * 3_600_000;
    const p = waterBalancePrescription({
      field,
      utcOffsetMinutes: EAT,
      weather: summariseStation(
        weatherReadings('2026-11-18', '2026-11-19', DRY_SEASON_DAY, {}).filter(
          (r) => r.timeMs <= at,
        ),
        { utcOffsetMinutes: EAT },
      ),
      soil: [probe('p-1', at, 0.15)],
      status: [],
      asOfMs: at,
      createdAtMs: at,
    });
    expect(p.action).toBe('insufficient-data');
    expect(p.zones![0]!.reason).toMatch(/no complete day of weather/);
  });

  it('never gives a drier zone less water (property)', () => {
    const field = fieldFixture({ plantingDate: '2026-08-20', elevationM: 1640 });
    const today = '2026-11-18';
    const weather = weatherDays(addDays(today, -5), today);
    const at = midnight(today) + 9 * 3_600_000;
    const gross = (theta: number) =>
      waterBalancePrescription({
        field,
        utcOffsetMinutes: EAT,
        weather,
        soil: [probe('p', at, theta)],
        status: [],
        asOfMs: at,
        createdAtMs: at,
      }).zones![0]!.grossDepthMm;
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 0.26, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (wet, less) => gross(wet - less) >= gross(wet),
      ),
      { numRuns: 60 },
    );
  });
});
