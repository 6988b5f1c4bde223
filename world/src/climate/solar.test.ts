import { describe, expect, it } from 'vitest';
import {
  clearSkyRadiation,
  dayOfYear,
  daylightHours,
  extraterrestrialRadiation,
  inverseRelativeDistance,
  saturationVapourPressure,
  solarDeclination,
  sunsetHourAngle,
} from './solar.js';

// FAO-56 (Allen et al. 1998) worked examples, with the precision the book prints.
describe('FAO-56 solar geometry', () => {
  it('Example 8: Ra at 20 degrees S on 3 September is 32.2 MJ m-2 day-1', () => {
    const j = dayOfYear(Date.UTC(2026, 8, 3));
    expect(j).toBe(246);
    expect(inverseRelativeDistance(j)).toBeCloseTo(0.985, 3);
    expect(solarDeclination(j)).toBeCloseTo(0.12, 2);
    expect(sunsetHourAngle((-20 * Math.PI) / 180, solarDeclination(j))).toBeCloseTo(1.527, 3);
    expect(extraterrestrialRadiation(-20, j)).toBeCloseTo(32.2, 1);
  });

  it('Example 9: 11.7 daylight hours at 20 degrees S on 3 September', () => {
    expect(daylightHours(-20, 246)).toBeCloseTo(11.7, 1);
  });

  it('Example 10: Rso = 0.75 Ra near sea level (Ra 25.1 -> 18.8)', () => {
    // Rio de Janeiro (22 54' S) in May: Ra = 25.1 MJ m-2 day-1, Rso = 18.8.
    expect(extraterrestrialRadiation(-(22 + 54 / 60), 135)).toBeCloseTo(25.1, 1);
    expect(clearSkyRadiation(25.1, 0)).toBeCloseTo(18.8, 1);
  });

  it('Table 2.3: e0(T) at 20 and 30 degC', () => {
    expect(saturationVapourPressure(20)).toBeCloseTo(2.338, 3);
    expect(saturationVapourPressure(30)).toBeCloseTo(4.243, 3);
  });
});
