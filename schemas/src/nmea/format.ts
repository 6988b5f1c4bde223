import { frame, type Talker } from './sentence.js';
import { formatCoordinate, formatDate, formatTimeOfDay } from './coordinates.js';

export interface FixInput {
  talker: Talker;
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  /** GGA fix quality; 0 formats an empty position. */
  fixQuality: number;
  satellites: number;
  hdop: number;
  altitudeM: number;
  /** Geoid height above the ellipsoid (EGM96 N). */
  geoidSeparationM: number;
  /** Age of RTK/DGNSS corrections, s (qualities 2, 4, 5). */
  correctionAgeS?: number;
  stationId?: string;
}

const RMC_MODE: Record<number, string> = {
  0: 'N',
  1: 'A',
  2: 'D',
  3: 'P',
  4: 'R',
  5: 'F',
  6: 'E',
  7: 'M',
  8: 'S',
};

export function formatGga(fix: FixInput): string {
  const has = fix.fixQuality > 0;
  const [lat, ns] = has ? formatCoordinate(fix.latitudeDeg, 'lat') : ['', ''];
  const [lon, ew] = has ? formatCoordinate(fix.longitudeDeg, 'lon') : ['', ''];
  return frame(
    [
      `${fix.talker}GGA`,
      formatTimeOfDay(fix.timeMs),
      lat,
      ns,
      lon,
      ew,
      String(fix.fixQuality),
      String(fix.satellites).padStart(2, '0'),
      fix.hdop.toFixed(2),
      has ? fix.altitudeM.toFixed(2) : '',
      'M',
      fix.geoidSeparationM.toFixed(2),
      'M',
      fix.correctionAgeS === undefined ? '' : fix.correctionAgeS.toFixed(1),
      fix.stationId ?? '',
    ].join(','),
  );
}

/** RMC with the NMEA 4.10 navigational status field (S safe, V not valid). */
export function formatRmc(fix: FixInput & { speedKnots?: number; courseDeg?: number }): string {
  const has = fix.fixQuality > 0;
  const [lat, ns] = has ? formatCoordinate(fix.latitudeDeg, 'lat') : ['', ''];
  const [lon, ew] = has ? formatCoordinate(fix.longitudeDeg, 'lon') : ['', ''];
  return frame(
    [
      `${fix.talker}RMC`,
      formatTimeOfDay(fix.timeMs),
      has ? 'A' : 'V',
      lat,
      ns,
      lon,
      ew,
      (fix.speedKnots ?? 0).toFixed(2),
      fix.courseDeg === undefined ? '' : fix.courseDeg.toFixed(1),
      formatDate(fix.timeMs),
      '',
      '',
      RMC_MODE[fix.fixQuality] ?? 'N',
      has ? 'S' : 'V',
    ].join(','),
  );
}

export interface GsaInput {
  talker: Talker;
  fixType: 1 | 2 | 3;
  satelliteIds: number[];
  pdop: number;
  hdop: number;
  vdop: number;
  /** NMEA 4.10 system id; omit for legacy (pre-4.10) output. */
  systemId?: number;
}

export function formatGsa(input: GsaInput): string {
  const ids = Array.from({ length: 12 }, (_, i) => {
    const id = input.satelliteIds[i];
    return id === undefined ? '' : String(id).padStart(2, '0');
  });
  const fields = [
    `${input.talker}GSA`,
    'A',
    String(input.fixType),
    ...ids,
    input.pdop.toFixed(2),
    input.hdop.toFixed(2),
    input.vdop.toFixed(2),
  ];
  if (input.systemId !== undefined) fields.push(String(input.systemId));
  return frame(fields.join(','));
}

export interface GsvInput {
  talker: Talker;
  satellites: { prn: number; elevationDeg: number; azimuthDeg: number; snrDbHz: number | null }[];
  /** NMEA 4.10 signal id (BeiDou B1I is 1); omit for legacy output. */
  signalId?: string;
}

/** Satellites in view, four per sentence. */
export function formatGsv(input: GsvInput): string[] {
  const total = Math.max(1, Math.ceil(input.satellites.length / 4));
  return Array.from({ length: total }, (_, m) => {
    const group = input.satellites.slice(m * 4, m * 4 + 4);
    const fields = [
      `${input.talker}GSV`,
      String(total),
      String(m + 1),
      String(input.satellites.length).padStart(2, '0'),
    ];
    for (const s of group) {
      fields.push(
        String(s.prn).padStart(2, '0'),
        String(Math.round(s.elevationDeg)).padStart(2, '0'),
        String(Math.round(s.azimuthDeg)).padStart(3, '0'),
        s.snrDbHz === null ? '' : String(Math.round(s.snrDbHz)).padStart(2, '0'),
      );
    }
    if (input.signalId !== undefined) fields.push(input.signalId);
    return frame(fields.join(','));
  });
}

export function formatShambaSeq(seq: number): string {
  return frame(`PSHB,SEQ,${seq}`);
}
