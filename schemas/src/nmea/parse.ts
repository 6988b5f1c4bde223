import {
  MAX_SENTENCE_LENGTH,
  SYSTEM_IDS,
  TALKERS,
  checksum,
  isTalker,
  type Constellation,
  type Talker,
} from './sentence.js';
import { parseCoordinate, parseDate, parseTimeOfDay } from './coordinates.js';

interface Common {
  talker: Talker;
  constellation: Constellation;
}

export interface GgaSentence extends Common {
  type: 'GGA';
  timeOfDayS: number | null;
  latitudeDeg: number | null;
  longitudeDeg: number | null;
  /** 0 invalid, 1 GNSS, 2 DGNSS, 3 PPS, 4 RTK fixed, 5 RTK float, 6 estimated, 7 manual, 8 simulator. */
  fixQuality: number;
  satellites: number | null;
  hdop: number | null;
  altitudeM: number | null;
  geoidSeparationM: number | null;
  correctionAgeS: number | null;
}

export interface RmcSentence extends Common {
  type: 'RMC';
  timeOfDayS: number | null;
  /** UTC midnight of the fix's date, epoch ms. */
  dateMs: number | null;
  valid: boolean;
  latitudeDeg: number | null;
  longitudeDeg: number | null;
  speedKnots: number | null;
  courseDeg: number | null;
  /** NMEA 2.3+ mode indicator: A autonomous, D differential, R RTK fixed, F RTK float, E estimated, N none. */
  mode: string | null;
  /** GGA's fix quality implied by the mode indicator, for comparing RMC with GGA. */
  fixQuality: number;
}

export interface GsaSentence extends Common {
  type: 'GSA';
  selection: 'M' | 'A' | null;
  /** 1 no fix, 2 2D, 3 3D. */
  fixType: number | null;
  satelliteIds: number[];
  pdop: number | null;
  hdop: number | null;
  vdop: number | null;
  /** NMEA 4.10 GNSS system id (4 is BeiDou); null in older sentences. */
  systemId: number | null;
}

export interface GsvSatellite {
  prn: number;
  elevationDeg: number | null;
  azimuthDeg: number | null;
  snrDbHz: number | null;
}

export interface GsvSentence extends Common {
  type: 'GSV';
  totalMessages: number;
  messageNumber: number;
  satellitesInView: number;
  satellites: GsvSatellite[];
  signalId: string | null;
}

/** Our firmware's proprietary sentence carrying the per-device sequence number: `$PSHB,SEQ,<n>`. */
export interface ShambaSeqSentence {
  type: 'PSHB';
  seq: number;
}

export interface OtherSentence {
  type: 'other';
  address: string;
  fields: string[];
}

export type NmeaSentence =
  GgaSentence | RmcSentence | GsaSentence | GsvSentence | ShambaSeqSentence | OtherSentence;
export type ParseResult = { ok: true; sentence: NmeaSentence } | { ok: false; error: string };

const RMC_MODE_TO_QUALITY: Record<string, number> = {
  N: 0,
  A: 1,
  D: 2,
  P: 3,
  R: 4,
  F: 5,
  E: 6,
  M: 7,
  S: 8,
};

/**
 * Parses one NMEA 0183 sentence as real receivers emit it: mixed talkers, empty fields, fields
 * added by later versions of the standard (ignored when unknown), CR LF or LF, and noise before
 * the `$` (a serial line picked up mid-byte). A missing or wrong checksum is an error.
 */
export function parseNmea(line: string): ParseResult {
  const start = line.indexOf('$');
  if (start < 0) return fail('no "$" start delimiter');
  const text = line.slice(start).replace(/[\r\n]+$/, '');
  if (text.length + 2 > MAX_SENTENCE_LENGTH)
    return fail(`longer than ${MAX_SENTENCE_LENGTH} characters`);
  const star = text.lastIndexOf('*');
  if (star < 0) return fail('no checksum (truncated?)');
  const body = text.slice(1, star);
  const given = text.slice(star + 1).toUpperCase();
  if (!/^[0-9A-F]{2}$/.test(given)) return fail(`malformed checksum "${text.slice(star + 1)}"`);
  const expected = checksum(body);
  if (given !== expected) return fail(`bad checksum: computed ${expected}, sentence says ${given}`);
  if (!/^[\x20-\x7e]*$/.test(body) || body.includes('$')) return fail('invalid characters');

  const [address = '', ...fields] = body.split(',');
  if (address === 'PSHB') {
    const seq = Number(fields[1]);
    if (fields[0] !== 'SEQ' || !Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff)
      return fail('malformed PSHB');
    return { ok: true, sentence: { type: 'PSHB', seq } };
  }
  const talker = address.slice(0, 2);
  const type = address.slice(2);
  if (address.length !== 5 || !isTalker(talker))
    return { ok: true, sentence: { type: 'other', address, fields } };
  const common: Common = { talker, constellation: TALKERS[talker].constellation };
  switch (type) {
    case 'GGA':
      return parseGga(common, fields);
    case 'RMC':
      return parseRmc(common, fields);
    case 'GSA':
      return parseGsa(common, fields);
    case 'GSV':
      return parseGsv(common, fields);
    default:
      return { ok: true, sentence: { type: 'other', address, fields } };
  }
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function num(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function int(value: string | undefined): number | null {
  const n = num(value);
  return n !== null && Number.isInteger(n) ? n : null;
}

function parseGga(common: Common, f: string[]): ParseResult {
  if (f.length < 9) return fail(`truncated GGA: ${f.length} fields`);
  const fixQuality = int(f[5]);
  if (fixQuality === null || fixQuality > 8) return fail(`GGA fix quality "${f[5]}" is not 0-8`);
  const timeOfDayS = f[0] === '' ? null : parseTimeOfDay(f[0]!);
  if (f[0] !== '' && timeOfDayS === null) return fail(`GGA time "${f[0]}" is not hhmmss.ss`);
  const fix = fixQuality > 0;
  const latitudeDeg = fix ? parseCoordinate(f[1]!, f[2]!, 2) : null;
  const longitudeDeg = fix ? parseCoordinate(f[3]!, f[4]!, 3) : null;
  if (fix && (latitudeDeg === null || longitudeDeg === null))
    return fail('GGA has a fix but no valid position');
  return {
    ok: true,
    sentence: {
      type: 'GGA',
      ...common,
      timeOfDayS,
      latitudeDeg,
      longitudeDeg,
      fixQuality,
      satellites: int(f[6]),
      hdop: num(f[7]),
      altitudeM: fix ? num(f[8]) : null,
      geoidSeparationM: num(f[10]),
      correctionAgeS: num(f[12]),
    },
  };
}

function parseRmc(common: Common, f: string[]): ParseResult {
  if (f.length < 9) return fail(`truncated RMC: ${f.length} fields`);
  const timeOfDayS = f[0] === '' ? null : parseTimeOfDay(f[0]!);
  if (f[0] !== '' && timeOfDayS === null) return fail(`RMC time "${f[0]}" is not hhmmss.ss`);
  const dateMs = f[8] === '' ? null : parseDate(f[8]!);
  if (f[8] !== '' && dateMs === null) return fail(`RMC date "${f[8]}" is not ddmmyy`);
  const valid = f[1] === 'A';
  const mode = f[11] === undefined || f[11] === '' ? null : f[11];
  const latitudeDeg = valid ? parseCoordinate(f[2]!, f[3]!, 2) : null;
  const longitudeDeg = valid ? parseCoordinate(f[4]!, f[5]!, 3) : null;
  if (valid && (latitudeDeg === null || longitudeDeg === null))
    return fail('RMC is valid but has no valid position');
  const fixQuality = !valid ? 0 : mode === null ? 1 : (RMC_MODE_TO_QUALITY[mode] ?? 1);
  return {
    ok: true,
    sentence: {
      type: 'RMC',
      ...common,
      timeOfDayS,
      dateMs,
      valid,
      latitudeDeg,
      longitudeDeg,
      speedKnots: num(f[6]),
      courseDeg: num(f[7]),
      mode,
      fixQuality,
    },
  };
}

function parseGsa(common: Common, f: string[]): ParseResult {
  if (f.length < 17) return fail(`truncated GSA: ${f.length} fields`);
  const systemId = int(f[17]);
  const constellation =
    systemId !== null ? (SYSTEM_IDS[systemId] ?? common.constellation) : common.constellation;
  return {
    ok: true,
    sentence: {
      type: 'GSA',
      talker: common.talker,
      constellation,
      selection: f[0] === 'M' || f[0] === 'A' ? f[0] : null,
      fixType: int(f[1]),
      satelliteIds: f.slice(2, 14).flatMap((v) => (int(v) === null ? [] : [int(v)!])),
      pdop: num(f[14]),
      hdop: num(f[15]),
      vdop: num(f[16]),
      systemId,
    },
  };
}

function parseGsv(common: Common, f: string[]): ParseResult {
  const [total, number, inView] = [int(f[0]), int(f[1]), int(f[2])];
  if (total === null || number === null || inView === null) return fail('truncated GSV');
  const satellites: GsvSatellite[] = [];
  let i = 3;
  // Up to four satellites of four fields each; an odd field left over is the NMEA 4.10 signal id.
  for (; i + 3 < f.length && satellites.length < 4; i += 4) {
    const prn = int(f[i]);
    if (prn === null) return fail(`GSV satellite ${satellites.length + 1} has no id`);
    satellites.push({
      prn,
      elevationDeg: num(f[i + 1]),
      azimuthDeg: num(f[i + 2]),
      snrDbHz: num(f[i + 3]),
    });
  }
  const signalId = f[i] === undefined || f[i] === '' ? null : f[i]!;
  return {
    ok: true,
    sentence: {
      type: 'GSV',
      ...common,
      totalMessages: total,
      messageNumber: number,
      satellitesInView: inView,
      satellites,
      signalId,
    },
  };
}
