import { describe, expect, it } from 'vitest';
import { rng } from '@shamba/world';
import { backoffDelayMs } from './backoff.js';

describe('reconnect backoff with full jitter', () => {
  it('stays within [0, min(cap, base 2^n)] and spreads devices out', () => {
    const random = rng(7);
    const options = { baseMs: 500, capMs: 30_000 };
    for (let attempt = 0; attempt < 40; attempt++) {
      const delay = backoffDelayMs(attempt, options, random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 500 * 2 ** attempt));
    }
    // Twenty devices on their fifth attempt do not all wait the same time.
    const delays = Array.from({ length: 20 }, (_, i) => backoffDelayMs(5, options, rng(i)));
    expect(new Set(delays).size).toBeGreaterThan(15);
  });
});
