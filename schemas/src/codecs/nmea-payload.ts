import { ShambaError } from '../errors/shamba-error.js';
import { parseNmea, type GgaSentence, type RmcSentence } from '../nmea/parse.js';
import type { Reading } from '../readings/reading.js';

/**
 * A `gnss` uplink may carry the receiver's own NMEA 0183 output: one epoch of sentences, one per
 * line. GGA gives the fix quality, satellites, HDOP and altitude; RMC gives the date (GGA only
 * has the time of day). Our firmware adds `$PSHB,SEQ,<n>`; a third-party relay without it gets
 * seq 0, which is harmless since readings are keyed by device time, not by seq.
 */
export function decodeNmeaPayload(payload: Uint8Array, deviceId: string): Reading[] {
  const text = new TextDecoder('ascii').decode(payload);
  let gga: GgaSentence | undefined;
  let rmc: RmcSentence | undefined;
  let seq = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseNmea(line);
    if (!parsed.ok)
      throw new ShambaError('INVALID_PAYLOAD', `NMEA line ${index + 1}: ${parsed.error}`);
    const s = parsed.sentence;
    if (s.type === 'GGA') gga = s;
    else if (s.type === 'RMC') rmc = s;
    else if (s.type === 'PSHB') seq = s.seq;
  });
  if (rmc === undefined || rmc.dateMs === null)
    throw new ShambaError('INVALID_PAYLOAD', 'NMEA payload has no RMC with a date');
  const timeOfDayS = rmc.timeOfDayS ?? gga?.timeOfDayS ?? null;
  if (timeOfDayS === null) throw new ShambaError('INVALID_PAYLOAD', 'NMEA payload has no UTC time');
  if (
    gga?.timeOfDayS != null &&
    rmc.timeOfDayS !== null &&
    Math.abs(gga.timeOfDayS - rmc.timeOfDayS) > 1
  ) {
    throw new ShambaError('INVALID_PAYLOAD', 'GGA and RMC are from different epochs');
  }
  const values: Record<string, number> = { fixQuality: gga?.fixQuality ?? rmc.fixQuality };
  const latitudeDeg = gga?.latitudeDeg ?? rmc.latitudeDeg;
  const longitudeDeg = gga?.longitudeDeg ?? rmc.longitudeDeg;
  if (latitudeDeg !== null && longitudeDeg !== null)
    Object.assign(values, { latitudeDeg, longitudeDeg });
  if (gga?.altitudeM != null) values.altitudeM = gga.altitudeM;
  if (gga?.satellites != null) values.satellites = gga.satellites;
  if (gga?.hdop != null) values.hdop = gga.hdop;
  return [
    { deviceId, stream: 'gnss', timeMs: rmc.dateMs + Math.round(timeOfDayS * 1000), seq, values },
  ];
}
