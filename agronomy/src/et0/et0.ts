import {
  ShambaError,
  type DailyEt0Request,
  type Et0Request,
  type HourlyEt0Request,
} from '@shamba/schemas';
import { atmosphericPressureKPa, psychrometricConstant, windSpeedAt2m } from './atmosphere.js';
import {
  eaFromDewPoint,
  eaFromRh,
  eaFromRhMax,
  eaFromRhMaxMin,
  eaFromRhMean,
  eaFromTMin,
  meanSaturationVapourPressure,
  saturationSlope,
  saturationVapourPressure,
} from './humidity.js';
import { dailyPenmanMonteith, hourlyPenmanMonteith } from './penman-monteith.js';
import {
  clearSkyRadiation,
  dailyExtraterrestrialRadiation,
  dailyNetLongwaveRadiation,
  daylightHours,
  hourlyNetLongwaveRadiation,
  hourlySoilHeatFlux,
  netShortwaveRadiation,
  periodExtraterrestrialRadiation,
  radiationFromSunshine,
  radiationFromTemperatureRange,
  solarTimeAngle,
} from './radiation.js';

/** The intermediate values FAO-56's worked examples print, so each can be checked by hand. */
interface Et0Common {
  et0Mm: number;
  equation: string;
  pressureKPa: number;
  psychrometricConstantKPaC: number;
  slopeKPaC: number;
  esKPa: number;
  eaKPa: number;
  vpdKPa: number;
  windSpeed2mMs: number;
  raMJ: number;
  rsMJ: number;
  rsoMJ: number;
  rsRsoRatio: number;
  rnsMJ: number;
  rnlMJ: number;
  rnMJ: number;
  soilHeatFluxMJ: number;
  humidityFrom: string;
  radiationFrom: string;
}

export interface DailyEt0Result extends Et0Common {
  timestep: 'daily';
  tMeanC: number;
  daylightHours: number;
}

export interface HourlyEt0Result extends Et0Common {
  timestep: 'hourly';
  tC: number;
  standardMeridianDeg: number;
  solarTimeAngleRad: number;
  daylight: boolean;
}

export type Et0Result = DailyEt0Result | HourlyEt0Result;

/** FAO Penman-Monteith ET0 for one validated request (see `Et0RequestSchema`). */
export function computeEt0(request: Et0Request): Et0Result {
  return request.timestep === 'daily' ? dailyEt0(request) : hourlyEt0(request);
}

export function dailyEt0(r: DailyEt0Request): DailyEt0Result {
  const tMeanC = (r.tMaxC + r.tMinC) / 2; // FAO-56 eq. 9
  const pressureKPa = atmosphericPressureKPa(r.elevationM);
  const gamma = psychrometricConstant(pressureKPa);
  const delta = saturationSlope(tMeanC); // FAO-56 eq. 13 at Tmean, as in Example 17
  const es = meanSaturationVapourPressure(r.tMaxC, r.tMinC);
  const { ea, humidityFrom } = dailyActualVapourPressure(r);
  const u2 = windSpeedAt2m(r.windSpeedMs, r.windHeightM);

  const ra = dailyExtraterrestrialRadiation(r.latitudeDeg, r.dayOfYear);
  const n = daylightHours(r.latitudeDeg, r.dayOfYear);
  const rso = clearSkyRadiation(ra, r.elevationM);
  let rs: number;
  let radiationFrom: string;
  if (r.solarRadiationMJ !== undefined) {
    rs = r.solarRadiationMJ;
    radiationFrom = 'solarRadiationMJ (measured)';
  } else if (r.sunshineHours !== undefined) {
    if (r.sunshineHours > n + 0.05) {
      throw new ShambaError(
        'INVALID_REQUEST',
        `sunshineHours ${r.sunshineHours} exceeds the ${n.toFixed(1)} daylight hours at latitude ${r.latitudeDeg} on day ${r.dayOfYear}`,
        { details: { path: ['sunshineHours'] } },
      );
    }
    rs = radiationFromSunshine(ra, Math.min(r.sunshineHours, n), n);
    radiationFrom = 'sunshineHours (Ångström, FAO-56 eq. 35)';
  } else {
    rs = radiationFromTemperatureRange({ ra, rso, tMaxC: r.tMaxC, tMinC: r.tMinC, kRs: r.kRs });
    radiationFrom = `temperature range (Hargreaves, FAO-56 eq. 50, kRs ${r.kRs})`;
  }
  const rsRsoRatio = rso > 0 ? rs / rso : 0;
  const rns = netShortwaveRadiation(rs);
  const rnl = dailyNetLongwaveRadiation({ tMaxC: r.tMaxC, tMinC: r.tMinC, eaKPa: ea, rsRsoRatio });
  const rn = rns - rnl; // FAO-56 eq. 40
  const g = r.soilHeatFluxMJ; // FAO-56 eq. 42: about 0 for a day under grass
  const et0Mm = dailyPenmanMonteith({ rn, g, tC: tMeanC, u2, es, ea, delta, gamma });
  return {
    timestep: 'daily',
    et0Mm,
    equation: 'FAO-56 eq. 6 (daily Penman-Monteith)',
    tMeanC,
    pressureKPa,
    psychrometricConstantKPaC: gamma,
    slopeKPaC: delta,
    esKPa: es,
    eaKPa: ea,
    vpdKPa: es - ea,
    windSpeed2mMs: u2,
    raMJ: ra,
    daylightHours: n,
    rsMJ: rs,
    rsoMJ: rso,
    rsRsoRatio,
    rnsMJ: rns,
    rnlMJ: rnl,
    rnMJ: rn,
    soilHeatFluxMJ: g,
    humidityFrom,
    radiationFrom,
  };
}

/**
 * ea from the best humidity data given, in FAO-56's order of reliability: a measured vapour
 * pressure, the dew point (eq. 14), RHmax with RHmin (eq. 17), RHmax alone (eq. 18), RHmean
 * (eq. 19), and with none, the dew point taken as Tmin (eq. 48).
 */
function dailyActualVapourPressure(r: DailyEt0Request): { ea: number; humidityFrom: string } {
  if (r.actualVaporPressureKPa !== undefined) {
    return { ea: r.actualVaporPressureKPa, humidityFrom: 'actualVaporPressureKPa (measured)' };
  }
  if (r.tDewC !== undefined) {
    return { ea: eaFromDewPoint(r.tDewC), humidityFrom: 'tDewC (FAO-56 eq. 14)' };
  }
  if (r.rhMaxPct !== undefined && r.rhMinPct !== undefined) {
    return {
      ea: eaFromRhMaxMin({
        tMaxC: r.tMaxC,
        tMinC: r.tMinC,
        rhMaxPct: r.rhMaxPct,
        rhMinPct: r.rhMinPct,
      }),
      humidityFrom: 'rhMaxPct and rhMinPct (FAO-56 eq. 17)',
    };
  }
  if (r.rhMinPct !== undefined) {
    throw new ShambaError(
      'INVALID_REQUEST',
      'rhMinPct alone cannot give the actual vapour pressure: add rhMaxPct, or give rhMeanPct or tDewC',
      { details: { path: ['rhMinPct'] } },
    );
  }
  if (r.rhMaxPct !== undefined) {
    return { ea: eaFromRhMax(r.tMinC, r.rhMaxPct), humidityFrom: 'rhMaxPct (FAO-56 eq. 18)' };
  }
  if (r.rhMeanPct !== undefined) {
    return {
      ea: eaFromRhMean(r.tMaxC, r.tMinC, r.rhMeanPct),
      humidityFrom: 'rhMeanPct (FAO-56 eq. 19)',
    };
  }
  return { ea: eaFromTMin(r.tMinC), humidityFrom: 'none given: Tdew = Tmin (FAO-56 eq. 48)' };
}

export function hourlyEt0(r: HourlyEt0Request): HourlyEt0Result {
  const pressureKPa = atmosphericPressureKPa(r.elevationM);
  const gamma = psychrometricConstant(pressureKPa);
  const delta = saturationSlope(r.tC);
  const es = saturationVapourPressure(r.tC);
  const ea = eaFromRh(r.tC, r.rhPct); // FAO-56 eq. 54
  const u2 = windSpeedAt2m(r.windSpeedMs, r.windHeightM);
  // The nominal time zone of the longitude when none is given: 15° of longitude per hour.
  const standardMeridianDeg = r.standardMeridianDeg ?? Math.round(r.longitudeDeg / 15) * 15;
  const omega = solarTimeAngle({
    midpointHour: r.hour + r.periodHours / 2,
    dayOfYear: r.dayOfYear,
    longitudeDeg: r.longitudeDeg,
    standardMeridianDeg,
  });
  // Rates per hour, so that eq. 53 (mm hour-1) holds for periods shorter than an hour.
  const ra =
    periodExtraterrestrialRadiation({
      latitudeDeg: r.latitudeDeg,
      dayOfYear: r.dayOfYear,
      solarTimeAngleRad: omega,
      periodHours: r.periodHours,
    }) / r.periodHours;
  const rs = r.solarRadiationMJ / r.periodHours;
  const rso = clearSkyRadiation(ra, r.elevationM);
  const daylight = ra > 0;
  // FAO-56 eq. 39 (hourly): at night Rs/Rso is taken from before sunset.
  const rsRsoRatio = daylight && rso > 0 ? rs / rso : r.nightRsRsoRatio;
  const rns = netShortwaveRadiation(rs);
  const rnl = hourlyNetLongwaveRadiation({ tC: r.tC, eaKPa: ea, rsRsoRatio });
  const rn = rns - rnl;
  const g = hourlySoilHeatFlux(rn, daylight);
  const rate = hourlyPenmanMonteith({ rn, g, tC: r.tC, u2, es, ea, delta, gamma });
  const p = r.periodHours;
  return {
    timestep: 'hourly',
    et0Mm: rate * p,
    equation: 'FAO-56 eq. 53 (hourly Penman-Monteith)',
    tC: r.tC,
    pressureKPa,
    psychrometricConstantKPaC: gamma,
    slopeKPaC: delta,
    esKPa: es,
    eaKPa: ea,
    vpdKPa: es - ea,
    windSpeed2mMs: u2,
    standardMeridianDeg,
    solarTimeAngleRad: omega,
    daylight,
    raMJ: ra * p,
    rsMJ: rs * p,
    rsoMJ: rso * p,
    rsRsoRatio,
    rnsMJ: rns * p,
    rnlMJ: rnl * p,
    rnMJ: rn * p,
    soilHeatFluxMJ: g * p,
    humidityFrom: 'rhPct (FAO-56 eq. 54)',
    radiationFrom: 'solarRadiationMJ (measured)',
  };
}
