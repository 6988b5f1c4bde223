/** NMEA `ddmm.mmmm` / `dddmm.mmmm` plus hemisphere to signed decimal degrees (south, west negative). */
export function parseCoordinate(
  value: string,
  hemisphere: string,
  degreeDigits: 2 | 3,
): number | null {
  if (value === '' || hemisphere === '') return null;
  if (!/^\d+(\.\d+)?$/.test(value) || value.indexOf('.') > degreeDigits + 2) return null;
  const [whole] = value.split('.');
  if (whole === undefined || whole.length !== degreeDigits + 2) return null;
  const degrees = Number(value.slice(0, degreeDigits));
  const minutes = Number(value.slice(degreeDigits));
  if (minutes >= 60) return null;
  const sign =
    hemisphere === 'S' || hemisphere === 'W'
      ? -1
      : hemisphere === 'N' || hemisphere === 'E'
        ? 1
        : 0;
  if (sign === 0) return null;
  const result = sign * (degrees + minutes / 60);
  return Math.abs(result) > (degreeDigits === 2 ? 90 : 180) ? null : result;
}

/**
 * Decimal degrees to NMEA fields. Five decimals of minutes is 1.85 cm of latitude: RTK fixes
 * need centimetres, and NMEA 4.11 receivers emit up to seven.
 */
export function formatCoordinate(
  degrees: number,
  axis: 'lat' | 'lon',
  minuteDecimals = 5,
): [string, string] {
  const hemisphere = axis === 'lat' ? (degrees < 0 ? 'S' : 'N') : degrees < 0 ? 'W' : 'E';
  const abs = Math.abs(degrees);
  let whole = Math.floor(abs);
  let minutes = Number(((abs - whole) * 60).toFixed(minuteDecimals));
  if (minutes >= 60) {
    whole += 1;
    minutes -= 60;
  }
  const [m, f] = minutes.toFixed(minuteDecimals).split('.') as [string, string];
  return [
    `${String(whole).padStart(axis === 'lat' ? 2 : 3, '0')}${m.padStart(2, '0')}.${f}`,
    hemisphere,
  ];
}

/** `hhmmss.ss` to seconds of the UTC day, or null. */
export function parseTimeOfDay(value: string): number | null {
  const match = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(value);
  if (match === null) return null;
  const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // 60 allows a leap second.
  if (h > 23 || m > 59 || s >= 61) return null;
  return h * 3600 + m * 60 + s;
}

export function formatTimeOfDay(timeMs: number): string {
  const d = new Date(timeMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const centis = Math.floor(d.getUTCMilliseconds() / 10);
  return `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}.${two(centis)}`;
}

/** RMC `ddmmyy` to epoch ms of UTC midnight. Two-digit years: 80-99 are 19xx (GPS began 1980). */
export function parseDate(value: string): number | null {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (match === null) return null;
  const [day, month, yy] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(yy >= 80 ? 1900 + yy : 2000 + yy, month - 1, day);
  const check = new Date(ms);
  return check.getUTCDate() === day && check.getUTCMonth() === month - 1 ? ms : null;
}

export function formatDate(timeMs: number): string {
  const d = new Date(timeMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${two(d.getUTCFullYear() % 100)}`;
}
