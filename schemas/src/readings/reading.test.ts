import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShambaError } from '../errors/shamba-error.js';
import {
  EARLIEST_READING_MS,
  ReadingSchema,
  checkReading,
  isReading,
  type Reading,
} from './reading.js';

const nowMs = Date.UTC(2026, 10, 28, 12);
const checks = { nowMs, maxFutureMs: 5 * 60_000 };
const reading = (values: Record<string, number>, timeMs = nowMs): Reading => ({
  deviceId: 'wx-1',
  stream: 'weather',
  timeMs,
  seq: 1,
  values,
});

describe('checkReading', () => {
  it('passes a plausible weather sample through unchanged', () => {
    const sample = reading({ airTempC: 24.5, rhPct: 61, rainMm: 0 });
    expect(checkReading(sample, checks)).toBe(sample);
  });

  it.each([
    [{ rhPct: 140 }, 'OUT_OF_RANGE', 'rhPct=140 is outside 0..100'],
    [{ airTempC: Number.POSITIVE_INFINITY }, 'INVALID_PAYLOAD', 'airTempC is not a finite number'],
    [{ vwc10: 0.2 }, 'INVALID_PAYLOAD', 'unknown quantity "vwc10" on stream weather'],
    [{}, 'INVALID_PAYLOAD', 'reading has no values'],
  ])('refuses %j', (values, code, message) => {
    let error: unknown;
    try {
      checkReading(reading(values), checks);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ShambaError);
    expect({ code: (error as ShambaError).code, message: (error as Error).message }).toEqual({
      code,
      message,
    });
  });

  it('refuses device time more than the allowed skew ahead of the broker', () => {
    expect(() => checkReading(reading({ airTempC: 20 }, nowMs + 6 * 60_000), checks)).toThrow(
      /ahead of broker time/,
    );
    expect(checkReading(reading({ airTempC: 20 }, nowMs + 4 * 60_000), checks).timeMs).toBe(
      nowMs + 4 * 60_000,
    );
  });
});

describe('isReading (the hot path check)', () => {
  const number = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -1, 0, 0xffff_ffff, 2 ** 32, 2 ** 53, 1.5),
    fc.constantFrom(EARLIEST_READING_MS - 1, EARLIEST_READING_MS, nowMs, nowMs + 0.5),
  );
  const edge = fc.oneof(number, fc.string({ maxLength: 3 }), fc.constant(null), fc.constant({}));
  const valid = fc.record({
    deviceId: fc.constantFrom('wx-1', 'soil-12', 'a'.repeat(64)),
    stream: fc.constantFrom('soil', 'weather', 'gnss', 'status'),
    timeMs: fc.integer({ min: EARLIEST_READING_MS, max: 2 ** 45 }),
    seq: fc.integer({ min: 0, max: 0xffff_ffff }),
    values: fc.dictionary(
      fc.string({ maxLength: 6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      { maxKeys: 3 },
    ),
  });
  // A valid reading with at most one thing changed, so each rule is tried on its own.
  const candidate = fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom('deviceId', 'stream', 'timeMs', 'seq', 'values', 'extra'),
          edge,
        )
        .map(([base, key, value]) => ({ ...base, [key]: value })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom('deviceId', 'stream'),
          fc.constantFrom('Wx-1', '-x', 'a'.repeat(65), 'sms', ''),
        )
        .map(([base, key, value]) => ({ ...base, [key]: value })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, fc.string({ maxLength: 4 }), edge)
        .map(([base, key, value]) => ({ ...base, values: { ...base.values, [key]: value } })),
    },
    { weight: 1, arbitrary: fc.anything() },
  );

  it('accepts exactly what ReadingSchema accepts', () => {
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isReading(value)).toBe(ReadingSchema.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });
});
