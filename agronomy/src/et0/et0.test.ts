import { describe, expect, it } from 'vitest';
import { Et0RequestSchema, isShambaError, type DailyEt0Request } from '@shamba/schemas';
import { FAO56_EXAMPLE_17, FAO56_EXAMPLE_19_AFTERNOON } from '@shamba/schemas/testing';
import { atmosphericPressureKPa, psychrometricConstant, windSpeedAt2m } from './atmosphere.js';
import { computeEt0, dailyEt0 } from './et0.js';
import {
  eaFromRhMax,
  eaFromRhMaxMin,
  eaFromRhMean,
  eaFromTMin,
  meanSaturationVapourPressure,
  saturationSlope,
  saturationVapourPressure,
} from './humidity.js';
import { dailyPenmanMonteith } from './penman-monteith.js';
import {
  dailyExtraterrestrialRadiation,
  dailyNetLongwaveRadiation,
  daylightHours,
  inverseRelativeDistance,
  netShortwaveRadiation,
  radiationFromSunshine,
  radiationFromTemperatureRange,
  solarDeclination,
  sunsetHourAngle,
} from './radiation.js';

/**
 * Every expected number below is printed in FAO Irrigation and Drainage Paper 56 (Allen et al.
 * 1998), in the worked example named by the test; the precision asserted is the precision printed.
 */
describe('FAO-56 components', () => {
  it('Example 2: pressure and psychrometric constant at 1800 m', () => {
    const p = atmosphericPressureKPa(1800);
    expect(p).toBeCloseTo(81.8, 1);
    expect(psychrometricConstant(p)).toBeCloseTo(0.054, 3);
  });

  it('Example 3: mean saturation vapour pressure, Tmax 24.5 °C and Tmin 15 °C', () => {
    expect(saturationVapourPressure(24.5)).toBeCloseTo(3.075, 3);
    expect(saturationVapourPressure(15)).toBeCloseTo(1.705, 3);
    expect(meanSaturationVapourPressure(24.5, 15)).toBeCloseTo(2.39, 2);
  });

  it('Example 5: actual vapour pressure from RH (eq. 17, 18 and 19)', () => {
    expect(eaFromRhMaxMin({ tMaxC: 25, tMinC: 18, rhMaxPct: 82, rhMinPct: 54 })).toBeCloseTo(
      1.7,
      2,
    );
    expect(eaFromRhMax(18, 82)).toBeCloseTo(1.69, 2);
    expect(eaFromRhMean(25, 18, 68)).toBeCloseTo(1.78, 2);
  });

  it('Example 8: extraterrestrial radiation at 20°S on 3 September', () => {
    expect(inverseRelativeDistance(246)).toBeCloseTo(0.985, 3);
    expect(solarDeclination(246)).toBeCloseTo(0.12, 3);
    expect(sunsetHourAngle((-20 * Math.PI) / 180, solarDeclination(246))).toBeCloseTo(1.527, 3);
    expect(dailyExtraterrestrialRadiation(-20, 246)).toBeCloseTo(32.2, 1);
  });

  it('Example 9: daylight hours at 20°S on 3 September', () => {
    expect(daylightHours(-20, 246)).toBeCloseTo(11.7, 1);
  });

  it('Example 10: solar radiation from sunshine hours, Rio de Janeiro in May', () => {
    // Printed as 14.5 MJ m-2 day-1; the printed formula evaluates to 14.45.
    expect(radiationFromSunshine(25.1, 7.1, 10.9)).toBeCloseTo(14.45, 2);
  });

  it('Example 11 and 12: net longwave and net radiation', () => {
    const rnl = dailyNetLongwaveRadiation({
      tMaxC: 25.1,
      tMinC: 19.1,
      eaKPa: 2.1,
      rsRsoRatio: 14.5 / 18.8,
    });
    expect(rnl).toBeCloseTo(3.5, 1);
    // The book prints 0.77 × 14.5 as 11.1 (truncated); the product is 11.165.
    expect(netShortwaveRadiation(14.5)).toBeCloseTo(11.165, 3);
    expect(netShortwaveRadiation(14.5) - rnl).toBeCloseTo(7.6, 1);
  });

  it('Example 14: wind measured at 10 m adjusted to 2 m', () => {
    expect(windSpeedAt2m(3.2, 10)).toBeCloseTo(2.4, 1);
    expect(windSpeedAt2m(3.2, 2)).toBe(3.2);
  });

  it('Example 15: solar radiation from the temperature range (Hargreaves)', () => {
    const rs = radiationFromTemperatureRange({
      ra: 40.6,
      rso: 30.5,
      tMaxC: 26.6,
      tMinC: 14.8,
      kRs: 0.16,
    });
    expect(rs).toBeCloseTo(22.3, 1);
    // Never above clear sky.
    expect(
      radiationFromTemperatureRange({ ra: 40.6, rso: 20, tMaxC: 26.6, tMinC: 14.8, kRs: 0.16 }),
    ).toBe(20);
  });

  it("Example 18: the combination equation with Bangkok's April terms (monthly)", () => {
    const et0 = dailyPenmanMonteith({
      rn: 14.33,
      g: 0.14,
      tC: 30.2,
      u2: 2,
      es: 4.42,
      ea: 2.85,
      delta: 0.246,
      gamma: 0.0674,
    });
    expect(saturationSlope(30.2)).toBeCloseTo(0.246, 3);
    expect(et0).toBeCloseTo(5.72, 1);
  });

  it('Example 20: humidity from Tmin when none was measured', () => {
    expect(eaFromTMin(14.8)).toBeCloseTo(1.68, 2);
  });
});

describe('computeEt0, daily (FAO-56 Example 17: Brussels, 6 July)', () => {
  const request = Et0RequestSchema.parse({
    timestep: 'daily',
    ...FAO56_EXAMPLE_17,
  }) as DailyEt0Request;

  it('reproduces every intermediate value and ET0 = 3.9 mm/day', () => {
    const r = dailyEt0(request);
    expect(r.timestep).toBe('daily');
    expect(r.esKPa).toBeCloseTo(1.997, 3);
    expect(r.eaKPa).toBeCloseTo(1.409, 3);
    expect(r.slopeKPaC).toBeCloseTo(0.122, 3);
    expect(r.psychrometricConstantKPaC).toBeCloseTo(0.0666, 4);
    expect(r.windSpeed2mMs).toBeCloseTo(2.078, 3);
    expect(r.raMJ).toBeCloseTo(41.09, 1);
    expect(r.timestep === 'daily' && r.daylightHours).toBeCloseTo(16.1, 1);
    expect(r.rsMJ).toBeCloseTo(22.07, 1);
    expect(r.rsoMJ).toBeCloseTo(30.9, 1);
    expect(r.rnsMJ).toBeCloseTo(17.0, 1);
    expect(r.rnlMJ).toBeCloseTo(3.71, 1);
    expect(r.rnMJ).toBeCloseTo(13.28, 1);
    expect(r.et0Mm).toBeCloseTo(3.9, 1);
    expect(r.humidityFrom).toMatch(/eq\. 17/);
    expect(r.radiationFrom).toMatch(/eq\. 35/);
  });

  it('falls back to FAO-56 chapter 3 missing-data procedures, and says so', () => {
    const { rhMaxPct: _a, rhMinPct: _b, sunshineHours: _c, ...bare } = request;
    const r = dailyEt0(bare);
    expect(r.humidityFrom).toMatch(/eq\. 48/);
    expect(r.radiationFrom).toMatch(/eq\. 50/);
    expect(r.eaKPa).toBeCloseTo(saturationVapourPressure(12.3), 6);
    expect(r.et0Mm).toBeGreaterThan(2);
    expect(r.et0Mm).toBeLessThan(6);
  });

  it('refuses sunshine longer than the day and RHmin without RHmax', () => {
    const long = () => dailyEt0({ ...request, sunshineHours: 17 });
    expect(long).toThrow(/exceeds the 16\.1 daylight hours/);
    try {
      long();
    } catch (error) {
      expect(isShambaError(error, 'INVALID_REQUEST')).toBe(true);
    }
    const { rhMaxPct: _, ...onlyMin } = request;
    expect(() => dailyEt0(onlyMin)).toThrow(/rhMinPct alone/);
  });
});

describe("computeEt0, hourly (FAO-56 Example 19: N'Diaye, Senegal, 1 October)", () => {
  // FAO-56 takes Lz = 15° and Lm = 16°15' (degrees west) in this example.
  const {
    hour: _h,
    tC: _t,
    rhPct: _rh,
    windSpeedMs: _u,
    solarRadiationMJ: _rs,
    ...site
  } = FAO56_EXAMPLE_19_AFTERNOON;

  it('14:00-15:00: Ra 3.543, Rn 1.749, G 0.175, ET0 0.63 mm/hour', () => {
    const r = computeEt0(Et0RequestSchema.parse(FAO56_EXAMPLE_19_AFTERNOON));
    expect(r.esKPa).toBeCloseTo(6.625, 3);
    expect(r.eaKPa).toBeCloseTo(3.445, 3);
    expect(r.slopeKPaC).toBeCloseTo(0.358, 3);
    expect(r.psychrometricConstantKPaC).toBeCloseTo(0.0673, 4);
    expect(r.raMJ).toBeCloseTo(3.543, 2);
    expect(r.rsoMJ).toBeCloseTo(2.658, 2);
    expect(r.rnsMJ).toBeCloseTo(1.887, 3);
    expect(r.rnlMJ).toBeCloseTo(0.137, 3);
    expect(r.rnMJ).toBeCloseTo(1.749, 2);
    expect(r.soilHeatFluxMJ).toBeCloseTo(0.175, 2);
    expect(r.et0Mm).toBeCloseTo(0.63, 2);
  });

  it('02:00-03:00: night, Rs/Rso from before sunset, Rn −0.100, G −0.050, ET0 0.0 mm/hour', () => {
    const r = computeEt0(
      Et0RequestSchema.parse({
        ...site,
        hour: 2,
        tC: 28,
        rhPct: 90,
        windSpeedMs: 1.9,
        solarRadiationMJ: 0,
        nightRsRsoRatio: 0.8,
      }),
    );
    expect(r.timestep === 'hourly' && r.daylight).toBe(false);
    expect(r.raMJ).toBe(0);
    expect(r.esKPa).toBeCloseTo(3.78, 2);
    expect(r.eaKPa).toBeCloseTo(3.402, 3);
    expect(r.slopeKPaC).toBeCloseTo(0.22, 3);
    expect(r.rnlMJ).toBeCloseTo(0.1, 3);
    expect(r.rnMJ).toBeCloseTo(-0.1, 3);
    expect(r.soilHeatFluxMJ).toBeCloseTo(-0.05, 3);
    expect(r.et0Mm).toBeCloseTo(0, 2);
  });

  it("a quarter-hour gives a quarter of the hour's water at the same rates", () => {
    const hour = computeEt0(Et0RequestSchema.parse(FAO56_EXAMPLE_19_AFTERNOON));
    const quarter = computeEt0(
      Et0RequestSchema.parse({
        ...site,
        hour: 14.375,
        periodHours: 0.25,
        tC: 38,
        rhPct: 52,
        windSpeedMs: 3.3,
        solarRadiationMJ: 2.45 / 4,
      }),
    );
    // Within 1 %: the middle quarter of the hour is not exactly the hour's mean.
    expect(Math.abs(quarter.raMJ * 4 - hour.raMJ) / hour.raMJ).toBeLessThan(0.01);
    expect(Math.abs(quarter.et0Mm * 4 - hour.et0Mm) / hour.et0Mm).toBeLessThan(0.01);
  });
});

describe('Et0RequestSchema', () => {
  it('defaults to daily, 2 m wind and kRs 0.16, and refuses unit slips', () => {
    const parsed = Et0RequestSchema.parse({
      latitudeDeg: 8,
      elevationM: 1640,
      dayOfYear: 120,
      windSpeedMs: 2,
      tMaxC: 28,
      tMinC: 12,
    });
    expect(parsed).toMatchObject({
      timestep: 'daily',
      windHeightM: 2,
      kRs: 0.16,
      soilHeatFluxMJ: 0,
    });
    // 82 °F is not an air temperature in °C; Tmax below Tmin; an unknown field.
    for (const bad of [{ tMaxC: 82 }, { tMaxC: 10 }, { tMeanC: 20 }]) {
      expect(Et0RequestSchema.safeParse({ ...parsed, ...bad }).success).toBe(false);
    }
    expect(Et0RequestSchema.safeParse({ ...parsed, timestep: 'weekly' }).success).toBe(false);
  });
});
