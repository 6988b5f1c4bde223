import type { StoredReading } from '@shamba/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TimeSeriesStore } from '../ports/time-series-store.js';

/**
 * The behaviour every TimeSeriesStore adapter must have, run by each adapter's own test file
 * (as MQTT.js runs one store suite against every store). `open` is called with the same
 * `location` to reopen a store, so durability can be checked across close and reopen.
 */
export interface ConformanceTarget {
  /** A fresh place for a store (a temp file, a new database name). */
  newLocation(): Promise<string> | string;
  open(location: string): Promise<TimeSeriesStore>;
}

const T0 = Date.UTC(2026, 2, 1, 6);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function reading(overrides: Partial<StoredReading> = {}): StoredReading {
  return {
    deviceId: 'soil-1',
    stream: 'soil',
    timeMs: T0,
    seq: 1,
    values: { vwc10: 0.21, vwc30: 0.25 },
    coopId: 'coop-a',
    fieldId: 'field-1',
    zoneId: null,
    receivedMs: T0 + 1500,
    ...overrides,
  };
}

export function describeTimeSeriesStore(adapter: string, target: ConformanceTarget): void {
  describe(`TimeSeriesStore conformance: ${adapter}`, () => {
    let location: string;
    let store: TimeSeriesStore;
    beforeEach(async () => {
      location = await target.newLocation();
      store = await target.open(location);
    });
    afterEach(async () => {
      await store.close();
    });

    it('returns what was written, oldest first, with every property intact', async () => {
      const later = reading({
        timeMs: T0 + 15 * MINUTE,
        seq: 2,
        values: { vwc10: 0.2, soilTempC: -1.5 },
      });
      const first = reading({ zoneId: 'zone-2', values: { vwc10: 0.123456, ecDsM: 0.45 } });
      await store.write([later, first]);
      expect(await store.query({ fromMs: T0, toMs: T0 + 60 * MINUTE })).toEqual([first, later]);
    });

    it('overwrites on (device, stream, device time) instead of duplicating', async () => {
      await store.write([reading()]);
      const resent = reading({ seq: 7, values: { vwc10: 0.3 }, receivedMs: T0 + 9000 });
      await store.write([resent]);
      await store.write([resent]);
      expect(await store.query({ fromMs: T0, toMs: T0 + 1 })).toEqual([resent]);
    });

    it('keeps streams and devices apart at the same time', async () => {
      const soil = reading();
      const weather = reading({ stream: 'weather', values: { airTempC: 21.5 } });
      const other = reading({ deviceId: 'soil-2', fieldId: 'field-2' });
      await store.write([soil, weather, other]);
      const window = { fromMs: T0, toMs: T0 + MINUTE };
      expect(await store.query({ ...window, stream: 'weather' })).toEqual([weather]);
      expect(await store.query({ ...window, fieldId: 'field-2' })).toEqual([other]);
      expect(await store.query({ ...window, deviceIds: ['soil-1'], stream: 'soil' })).toEqual([
        soil,
      ]);
      expect(await store.query({ ...window, deviceIds: [] })).toEqual([]);
    });

    it('treats the window as [from, to) and the limit as "the newest n"', async () => {
      const series = [0, 1, 2, 3, 4].map((i) => reading({ timeMs: T0 + i * MINUTE, seq: i }));
      await store.write(series);
      expect(await store.query({ fromMs: T0 + MINUTE, toMs: T0 + 3 * MINUTE })).toEqual(
        series.slice(1, 3),
      );
      expect(await store.query({ fromMs: T0, toMs: T0 + 5 * MINUTE, limit: 2 })).toEqual(
        series.slice(3),
      );
    });

    it('scans one cooperative and stream oldest first, in pages, each reading once', async () => {
      // 3 devices x 7 instants of soil, plus what the scan must leave out: another stream,
      // another cooperative, and readings outside the window.
      const soil = [0, 1, 2, 3, 4, 5, 6].flatMap((i) =>
        ['soil-3', 'soil-1', 'soil-2'].map((deviceId) =>
          reading({ deviceId, timeMs: T0 + i * MINUTE, seq: i }),
        ),
      );
      await store.write([
        ...soil,
        reading({ stream: 'weather', values: { airTempC: 20 } }),
        reading({ deviceId: 'soil-9', coopId: 'coop-b', fieldId: 'field-9' }),
        reading({ timeMs: T0 - MINUTE }),
        reading({ timeMs: T0 + 7 * MINUTE }),
      ]);
      const pages: StoredReading[][] = [];
      const scan = { coopId: 'coop-a', stream: 'soil', fromMs: T0, toMs: T0 + 7 * MINUTE } as const;
      for await (const page of store.scan({ ...scan, pageSize: 4 })) pages.push(page);
      const expected = [...soil].sort(
        (a, b) => a.timeMs - b.timeMs || a.deviceId.localeCompare(b.deviceId),
      );
      expect(pages.flat()).toEqual(expected);
      // Bounded pages (see ReadingScan.pageSize): never more than twice the size asked for.
      expect(Math.max(...pages.map((p) => p.length))).toBeLessThanOrEqual(8);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      const whole: StoredReading[] = [];
      for await (const page of store.scan(scan)) whole.push(...page);
      expect(whole).toEqual(expected);
    });

    it('scans more readings of one instant than a page holds', async () => {
      const burst = Array.from({ length: 9 }, (_, i) => reading({ deviceId: `soil-${i}` }));
      await store.write([...burst, reading({ timeMs: T0 + MINUTE })]);
      const seen: StoredReading[] = [];
      const scan = { coopId: 'coop-a', stream: 'soil', fromMs: T0, toMs: T0 + 2 * MINUTE } as const;
      for await (const page of store.scan({ ...scan, pageSize: 2 })) seen.push(...page);
      expect(seen).toEqual([...burst, reading({ timeMs: T0 + MINUTE })]);
    });

    it('reads the next page only when asked (a reading written meanwhile is in it)', async () => {
      const series = [0, 1, 2, 3].map((i) => reading({ timeMs: T0 + i * MINUTE, seq: i }));
      await store.write(series);
      const scan = store.scan({
        coopId: 'coop-a',
        stream: 'soil',
        fromMs: T0,
        toMs: T0 + HOUR,
        pageSize: 2,
      });
      const pages = scan[Symbol.asyncIterator]();
      const first = (await pages.next()).value as StoredReading[];
      expect(first).toEqual(series.slice(0, first.length));
      expect(first.length).toBeLessThan(series.length);
      const late = reading({ timeMs: T0 + 30 * MINUTE, seq: 9 });
      await store.write([late]);
      const rest: StoredReading[] = [];
      for (let page = await pages.next(); page.done !== true; page = await pages.next())
        rest.push(...page.value);
      expect([...first, ...rest]).toEqual([...series, late]);
    });

    it('still has every reading after close and reopen', async () => {
      const series = Array.from({ length: 50 }, (_, i) =>
        reading({ timeMs: T0 + i * MINUTE, seq: i }),
      );
      await store.write(series);
      await store.close();
      store = await target.open(location);
      expect(await store.query({ fromMs: T0, toMs: T0 + 50 * MINUTE })).toEqual(series);
    });
  });
}
