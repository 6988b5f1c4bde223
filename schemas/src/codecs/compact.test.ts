import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUANTITIES } from '../readings/quantities.js';
import type { Reading } from '../readings/reading.js';
import { UP_STREAMS } from '../topics/topic.js';
import { COMPACT_FIELDS, decodeCompact, encodeCompact } from './compact.js';
import { decodeUplink } from './uplink.js';

const T = Date.UTC(2026, 10, 28, 6, 15);
const LORAWAN_DR0_BYTES = 51;
const BEIDOU_SHORT_MESSAGE_BYTES = 560 / 8;

const soil: Reading = {
  deviceId: 'probe-1',
  stream: 'soil',
  timeMs: T,
  seq: 70_000,
  values: {
    vwc10: 0.2314,
    vwc30: 0.2622,
    vwc60: 0.2701,
    soilTempC: 18.42,
    ecDsM: 0.734,
    batteryPct: 87,
  },
};
const weather: Reading = {
  deviceId: 'wx-1',
  stream: 'weather',
  timeMs: T,
  seq: 3,
  values: {
    airTempC: -3.25,
    rhPct: 64.2,
    windMs: 2.31,
    solarWm2: 812,
    rainMm: 12.4,
    pressureKPa: 83.36,
    batteryPct: 99,
  },
};
const gnss: Reading = {
  deviceId: 'probe-1',
  stream: 'gnss',
  timeMs: T,
  seq: 9,
  values: {
    latitudeDeg: -21.5020576,
    longitudeDeg: -45.5090535,
    altitudeM: 912.35,
    fixQuality: 4,
    satellites: 24,
    hdop: 0.62,
  },
};

describe('compact binary codec', () => {
  it('fits a full sample of every stream in one LoRaWAN DR0 frame', () => {
    const sizes = [soil, weather, gnss].map((r) => encodeCompact([r]).length);
    // seq 70000 takes a 3-byte varint; the others 1 byte.
    expect(sizes).toEqual([21, 21, 24]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(LORAWAN_DR0_BYTES);
  });

  it('packs three soil samples in one BeiDou-3 short message (560 bits)', () => {
    const batch = [0, 1, 2].map((i) => ({ ...soil, seq: soil.seq + i, timeMs: T + i * 900_000 }));
    const frame = encodeCompact(batch);
    expect(frame.length).toBeLessThanOrEqual(BEIDOU_SHORT_MESSAGE_BYTES);
    expect(decodeCompact(frame, 'probe-1')).toEqual(batch);
  });

  it('round-trips exactly at the wire resolution', () => {
    for (const r of [soil, weather, gnss])
      expect(decodeUplink(encodeCompact([r]), { deviceId: r.deviceId, stream: r.stream })).toEqual([
        r,
      ]);
  });

  it("covers every quantity's whole allowed range", () => {
    for (const stream of UP_STREAMS) {
      const table = QUANTITIES[stream] as Record<string, { min: number; max: number }>;
      expect(Object.keys(COMPACT_FIELDS[stream]).sort()).toEqual(Object.keys(table).sort());
      for (const bound of ['min', 'max'] as const) {
        const values = Object.fromEntries(
          Object.entries(table).map(([name, q]) => [name, q[bound]]),
        );
        const reading: Reading = { deviceId: 'd', stream, timeMs: T, seq: 0xffff_ffff, values };
        expect(decodeCompact(encodeCompact([reading]), 'd')).toEqual([reading]);
      }
    }
  });

  it('round-trips any soil batch within half a step of each field', () => {
    const sample = fc.record({
      dtS: fc.integer({ min: 0, max: 7200 }),
      vwc10: fc.double({ min: 0, max: 1, noNaN: true }),
      soilTempC: fc.double({ min: -30, max: 80, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_fff0 }),
        fc.array(sample, { minLength: 1, maxLength: 8 }),
        (seq, samples) => {
          let t = T;
          const batch: Reading[] = samples.map((s, i) => {
            t += s.dtS * 1000;
            return {
              deviceId: 'p',
              stream: 'soil',
              timeMs: t,
              seq: seq + i,
              values: { vwc10: s.vwc10, soilTempC: s.soilTempC },
            };
          });
          const decoded = decodeCompact(encodeCompact(batch), 'p');
          decoded.forEach((d, i) => {
            expect([d.timeMs, d.seq]).toEqual([batch[i]!.timeMs, batch[i]!.seq]);
            expect(Math.abs(d.values.vwc10! - batch[i]!.values.vwc10!)).toBeLessThanOrEqual(
              0.5 / 10_000 + 1e-12,
            );
            expect(Math.abs(d.values.soilTempC! - batch[i]!.values.soilTempC!)).toBeLessThanOrEqual(
              0.5 / 100 + 1e-12,
            );
          });
        },
      ),
    );
  });

  it.each([
    ['a truncated frame', encodeCompact([soil]).subarray(0, 12), /truncated/],
    ['an unknown version', Uint8Array.of(0x20, 0, 0, 0, 0, 0), /unrecognised payload/],
    [
      "a stream that is not the topic's",
      encodeCompact([weather]),
      /compact frame is for weather, topic is soil/,
    ],
    ['an empty payload', new Uint8Array(0), /empty payload/],
  ])('refuses %s', (_label, payload, message) => {
    expect(() => decodeUplink(payload, { deviceId: 'probe-1', stream: 'soil' })).toThrow(message);
  });

  it('refuses to encode a value outside its field', () => {
    expect(() => encodeCompact([{ ...soil, values: { vwc10: 7 } }])).toThrow(
      /vwc10=7 does not fit u16/,
    );
  });
});
