import { describe, expect, it } from 'vitest';
import { ShambaError } from '../errors/shamba-error.js';
import { checkReading, type Reading } from './reading.js';

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
