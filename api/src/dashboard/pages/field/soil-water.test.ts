import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredReading } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createSeasonCache } from './season-cache.js';
import { soilWaterSeason, stationsForField, type SoilWaterDay } from './soil-water.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const MIN = 60_000;
const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`) - EAT * MIN;
/** Half an hour before local midnight: "today" stays 11 August through the test. */
const T0 = midnight('2026-08-12') - 30 * MIN;

let stores: TempStores;

/** One soil reading on field-1, an hour into the local day. */
function soil(deviceId: string, date: string, vwc10: number, seq: number): StoredReading {
  const timeMs = midnight(date) + 60 * MIN;
  return {
    deviceId,
    stream: 'soil',
    timeMs,
    seq,
    values: { vwc10 },
    coopId: 'coop-a',
    fieldId: 'field-1',
    zoneId: null,
    receivedMs: timeMs,
  };
}

beforeAll(async () => {
  stores = await openTempStores('shamba-soil-water-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.fields.upsert(fieldFixture({ plantingDate: '2026-08-09' }));
  await registry.fields.upsert(fieldFixture({ id: 'field-2' }));
  await registry.devices.upsert(weatherStationFixture());
  // A station on field-2 is field-2's own; field-1 gets the cooperative's (on no field).
  await registry.devices.upsert(weatherStationFixture({ id: 'wx-2', fieldId: 'field-2' }));
  const days = ['2026-08-08', '2026-08-09', '2026-08-10', '2026-08-11'];
  await store.write([
    ...stationReadings(days, { coopId: 'coop-a', utcOffsetMinutes: EAT }),
    ...days.map((d, i) => soil('probe-1', d, 0.2, i)),
    ...days.map((d, i) => soil('probe-2', d, 0.24, i)),
  ]);
});
afterAll(() => stores.close());

describe('soilWaterSeason', () => {
  it('takes rain from the field’s own station, else the cooperative’s', async () => {
    const { registry } = stores;
    expect(await stationsForField(registry, (await registry.fields.get('field-1'))!)).toEqual([
      'wx-1',
    ]);
    expect(await stationsForField(registry, (await registry.fields.get('field-2'))!)).toEqual([
      'wx-2',
    ]);
  });

  it('keeps the days before yesterday for 15 minutes, and reads yesterday and today each time', async () => {
    const { registry, store } = stores;
    const field = (await registry.fields.get('field-1'))!;
    const cache = createSeasonCache<SoilWaterDay>();
    const vwc10 = async (nowMs: number) =>
      Object.fromEntries(
        (await soilWaterSeason({ registry, store, field, nowMs, cache })).days.map((d) => [
          d.date,
          d.vwc.vwc10,
        ]),
      );
    // From sowing (9 August) on: the 8th is before the season.
    expect(await vwc10(T0)).toEqual({ '2026-08-09': 0.22, '2026-08-10': 0.22, '2026-08-11': 0.22 });
    // A third probe's late readings, on a closed day (9 August) and on yesterday (10 August):
    // probe means 0.20, 0.24 and 0.31 make 0.25.
    await store.write([
      soil('probe-3', '2026-08-09', 0.31, 1),
      soil('probe-3', '2026-08-10', 0.31, 2),
    ]);
    expect(await vwc10(T0 + MIN)).toEqual({
      '2026-08-09': 0.22,
      '2026-08-10': 0.25,
      '2026-08-11': 0.22,
    });
    expect(await vwc10(T0 + 16 * MIN)).toEqual({
      '2026-08-09': 0.25,
      '2026-08-10': 0.25,
      '2026-08-11': 0.22,
    });
    // Without a cache, everything is read each time.
    const uncached = await soilWaterSeason({ registry, store, field, nowMs: T0 + MIN });
    expect(uncached.days.map((d) => d.vwc.vwc10)).toEqual([0.25, 0.25, 0.22]);
    expect(uncached.probeIds).toEqual(['probe-1', 'probe-2', 'probe-3']);
  });
});
