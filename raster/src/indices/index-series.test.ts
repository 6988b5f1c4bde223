import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import { gapFill } from './index-series.js';

const point = (day: number, value: number | null) => ({
  acquiredMs: day * DAY_MS,
  sceneId: `s${day}`,
  value,
});

describe('NDVI series gap filling', () => {
  it('interpolates cloudy dates in time between clear ones, and flags every point', () => {
    expect(
      gapFill([point(15, 0.62), point(0, 0.3), point(5, null), point(10, null), point(20, null)]),
    ).toEqual([
      { ...point(0, 0.3), quality: 'observed' },
      { ...point(5, 0.4067), quality: 'gap-filled' }, // 0.30 + 5/15 x 0.32
      { ...point(10, 0.5133), quality: 'gap-filled' },
      { ...point(15, 0.62), quality: 'observed' },
      { ...point(20, null), quality: 'missing' },
    ]);
  });
});
