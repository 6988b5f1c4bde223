import { t, type DashboardContext } from './dashboard-env.js';

/**
 * The GNSS fix qualities the pages name (NMEA 0183 GGA field 6): 0 no fix, 1 GPS/BDS single
 * point and 2 differential (both "single": one receiver, metres), 4 RTK fixed integer (cm),
 * 5 RTK float (dm). The others (3 PPS, 6 dead reckoning, 7 manual, 8 simulation) are no
 * satellite fix of these kinds and are shown by their code.
 */
export type FixClass = 'none' | 'single' | 'rtk-fixed' | 'rtk-float';

export function fixClass(code: number): FixClass | null {
  switch (code) {
    case 0:
      return 'none';
    case 1:
    case 2:
      return 'single';
    case 4:
      return 'rtk-fixed';
    case 5:
      return 'rtk-float';
    default:
      return null;
  }
}

/**
 * A device's fix quality in the user's words, for the map's and the devices page's tables: the
 * map legend's name of its class (`map.fix-*`, the words the map's colours use), else "Fix code
 * N"; no fix reported at all is the tables' dash.
 */
export function fixText(c: DashboardContext, code: number | null): string {
  if (code === null) return t(c, 'devices.none');
  const kind = fixClass(code);
  return kind === null ? t(c, 'devices.fix-other', { code }) : t(c, `map.fix-${kind}`);
}
