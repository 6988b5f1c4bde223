import { describe, expect, it } from 'vitest';
import { round } from './round.js';

describe('round', () => {
  it('rounds to the given digits (halves up) and passes null through', () => {
    expect([round(3.14159, 2), round(2.5, 0), round(1234.5678, -2), round(null, 3)]).toEqual([
      3.14,
      3,
      1200,
      null,
    ]);
  });
});
