import { formatGga, formatGsa, formatGsv, formatRmc, type Talker } from '@shamba/schemas';
import { gaussian, type Rng } from '@shamba/world';

/** How a device's receiver talks: NMEA 4.10+ BeiDou-only, multi-GNSS, or a legacy BD unit. */
export interface GnssProfile {
  talker: Extract<Talker, 'GB' | 'GN' | 'BD'>;
  /** Receives RTK corrections (a cooperative base station or CORS over NTRIP). */
  rtk: boolean;
}

export interface Position {
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM: number;
}

/** What the receiver measures at one epoch: the UTC time and where the antenna truly is. */
export interface TrueEpoch {
  timeMs: number;
  truth: Position;
  /** Geoid height above the WGS84 ellipsoid at the site, m (GGA carries it as is). */
  geoidSeparationM: number;
}

const METRES_PER_DEGREE_LAT = 111_320;

/**
 * Receivers keep BeiDou time (BDT), which has no leap seconds since its start on 2006-01-01
 * 00:00:00 UTC; NMEA time fields carry UTC. Since the leap second at the end of 2016, BDT is
 * UTC + 4 s, and GPS time is BDT + 14 s (UTC + 18 s). A firmware that set its clock from raw BDT
 * would stamp every reading 4 s late in UTC terms.
 */
export const BDT_MINUS_UTC_S = 4;
export const GPST_MINUS_BDT_S = 14;

export function bdtToUtcMs(bdtMs: number): number {
  return bdtMs - BDT_MINUS_UTC_S * 1000;
}

export function utcToBdtMs(utcMs: number): number {
  return utcMs + BDT_MINUS_UTC_S * 1000;
}

/**
 * One epoch of receiver output for a true position: GGA, RMC, GSA (one per constellation in
 * use, with the NMEA 4.10 system id except on legacy BD units) and GSV. Horizontal error is
 * 1.5 m (1 sigma) stand-alone and 1.5 cm with RTK fixed; HDOP and satellite counts are typical
 * of an open field with BeiDou-3 and GPS overhead.
 */
export function gnssEpoch(
  { timeMs, truth, geoidSeparationM }: TrueEpoch,
  profile: GnssProfile,
  random: Rng,
): string[] {
  const legacy = profile.talker === 'BD';
  const beidou = 10 + Math.floor(random() * 9);
  const gps = profile.talker === 'GN' ? 7 + Math.floor(random() * 5) : 0;
  const rtkFloat = profile.rtk && random() < 0.05;
  const fixQuality = profile.rtk ? (rtkFloat ? 5 : 4) : 1;
  const sigmaM = !profile.rtk ? 1.5 : rtkFloat ? 0.3 : 0.015;
  const hdop = Number((profile.rtk ? 0.5 + random() * 0.3 : 0.7 + random() * 0.9).toFixed(2));
  const cosLat = Math.cos((truth.latitudeDeg * Math.PI) / 180);
  const fix = {
    talker: profile.talker,
    timeMs,
    latitudeDeg: truth.latitudeDeg + (sigmaM * gaussian(random)) / METRES_PER_DEGREE_LAT,
    longitudeDeg:
      truth.longitudeDeg + (sigmaM * gaussian(random)) / (METRES_PER_DEGREE_LAT * cosLat),
    fixQuality,
    satellites: beidou + gps,
    hdop,
    altitudeM: Number((truth.altitudeM + 2 * sigmaM * gaussian(random)).toFixed(2)),
    geoidSeparationM,
    ...(profile.rtk ? { correctionAgeS: 1, stationId: '0031' } : {}),
  };
  const vdop = Number((hdop * 1.6).toFixed(2));
  const pdop = Number(Math.hypot(hdop, vdop).toFixed(2));
  const ids = (n: number) => Array.from({ length: Math.min(n, 12) }, (_, i) => i + 1);
  const gsa = [
    formatGsa({
      talker: legacy ? 'BD' : profile.talker,
      fixType: 3,
      satelliteIds: ids(beidou),
      pdop,
      hdop,
      vdop,
      ...(legacy ? {} : { systemId: 4 }),
    }),
  ];
  if (gps > 0)
    gsa.push(
      formatGsa({
        talker: 'GN',
        fixType: 3,
        satelliteIds: ids(gps),
        pdop,
        hdop,
        vdop,
        systemId: 1,
      }),
    );
  const inView = Array.from({ length: beidou }, (_, i) => ({
    prn: i + 1,
    elevationDeg: 10 + random() * 75,
    azimuthDeg: random() * 359,
    snrDbHz: 30 + random() * 20,
  }));
  return [
    formatGga(fix),
    formatRmc(fix),
    ...gsa,
    ...formatGsv({
      talker: legacy ? 'BD' : 'GB',
      satellites: inView,
      ...(legacy ? {} : { signalId: '1' }),
    }),
  ];
}
