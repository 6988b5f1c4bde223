import { describe, expect, it } from 'vitest';
import { YieldHistoryRowSchema } from './yield-history.js';

const row = {
  season: '2025-meher',
  field_id: 'f1',
  crop: 'maize',
  yield_t_ha: '4.1',
  nitrogen_kg_ha: '60',
  taw_mm: '78',
  rain_mm: '300',
  gdd_per_day: '12',
  eta_over_etc: '0.7',
  ndvi_peak: '0.8',
  ndvi_integral: '0.3',
};

describe('YieldHistoryRowSchema', () => {
  it('reads CSV cells as numbers, optional columns absent when empty', () => {
    expect(YieldHistoryRowSchema.parse({ ...row, rain_over_et0: '', sowing_date: '' })).toEqual({
      ...row,
      yield_t_ha: 4.1,
      nitrogen_kg_ha: 60,
      taw_mm: 78,
      rain_mm: 300,
      gdd_per_day: 12,
      eta_over_etc: 0.7,
      ndvi_peak: 0.8,
      ndvi_integral: 0.3,
    });
    expect(
      YieldHistoryRowSchema.parse({ ...row, rain_over_et0: '0.9', sowing_date: '2025-06-20' }),
    ).toMatchObject({ rain_over_et0: 0.9, sowing_date: '2025-06-20' });
  });

  it('refuses an empty yield (not 0), text, infinities and a season without its year', () => {
    for (const bad of [
      { yield_t_ha: '' },
      { yield_t_ha: 'four' },
      { rain_mm: 'Infinity' },
      { rain_over_et0: 'NaN' },
      { season: 'meher' },
      { sowing_date: '2025-13-01' },
    ])
      expect(YieldHistoryRowSchema.safeParse({ ...row, ...bad }).success, JSON.stringify(bad)).toBe(
        false,
      );
  });
});
