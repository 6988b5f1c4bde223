import { DAY_MS } from '@shamba/schemas';

const HOUR_MS = 3_600_000;

/** Local solar hour (0-24) at a longitude: UTC shifted by 4 minutes per degree. */
export function solarHour(timeMs: number, longitudeDeg: number): number {
  const utcHours = (timeMs % DAY_MS) / HOUR_MS;
  return (((utcHours + longitudeDeg / 15) % 24) + 24) % 24;
}

/**
 * Share of a day's solar energy in [h, h + dtH): a half-sine over 06:00-18:00 solar time, whose
 * integral over the day is 24/pi hours. Used for the device battery's solar charging.
 */
export function daylightShare(hour: number, dtHours: number): number {
  const mid = hour + dtHours / 2;
  if (mid < 6 || mid > 18) return 0;
  return (Math.sin((Math.PI * (mid - 6)) / 12) * dtHours * Math.PI) / 24;
}

/** Atmospheric pressure from elevation, kPa. FAO-56 eq. 7. */
export function pressureKPa(elevationM: number): number {
  return 101.3 * ((293 - 0.0065 * elevationM) / 293) ** 5.26;
}
