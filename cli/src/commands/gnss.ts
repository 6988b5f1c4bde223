import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseNmea, type GgaSentence, type NmeaSentence, type RmcSentence } from '@shamba/schemas';
import type { Command } from './command.js';

/** One JSON line per position sentence (GGA, RMC), in the shape `shamba gnss parse` documents. */
export function positionLine(sentence: GgaSentence | RmcSentence, dateMs: number | null) {
  const timeOfDay = sentence.timeOfDayS;
  const time =
    timeOfDay === null
      ? null
      : dateMs !== null
        ? new Date(dateMs + Math.round(timeOfDay * 1000)).toISOString()
        : formatTimeOfDay(timeOfDay);
  const gga = sentence.type === 'GGA' ? sentence : undefined;
  return {
    sentence: sentence.type,
    talker: sentence.talker,
    constellation: sentence.constellation,
    time,
    latitudeDeg: sentence.latitudeDeg,
    longitudeDeg: sentence.longitudeDeg,
    fixQuality: sentence.fixQuality,
    satellites: gga?.satellites ?? null,
    hdop: gga?.hdop ?? null,
    altitudeM: gga?.altitudeM ?? null,
  };
}

function formatTimeOfDay(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}Z`;
}

function otherLine(sentence: Exclude<NmeaSentence, GgaSentence | RmcSentence>) {
  if (sentence.type === 'other') return { sentence: sentence.address, fields: sentence.fields };
  if (sentence.type === 'PSHB') return { sentence: 'PSHB', seq: sentence.seq };
  const { type, ...rest } = sentence;
  return { sentence: type, ...rest };
}

export const gnssCommand: Command = {
  name: 'gnss',
  usage: `Usage: shamba gnss parse [--all] < receiver.nmea

Reads NMEA 0183 from standard input and prints one JSON line per position sentence (GGA,
RMC): sentence, talker, constellation, time, latitudeDeg, longitudeDeg (decimal degrees,
south and west negative, null without a fix), fixQuality (GGA's code; RMC's mode mapped to it),
satellites, hdop, altitudeM. GGA times get the date of the last RMC seen; before one, the time
of day. A bad line (bad checksum, truncated) prints {"error": "<reason>", "line": <n>} and
parsing goes on. Other valid sentences (GSA, GSV, ...) are skipped unless --all is given.

  --all        print every valid sentence
  -h, --help   this text`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true || positionals[0] !== 'parse') {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    let lineNumber = 0;
    let dateMs: number | null = null;
    for await (const line of createInterface({
      input: process.stdin,
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const result = parseNmea(line);
      if (!result.ok) {
        console.log(JSON.stringify({ error: result.error, line: lineNumber }));
        continue;
      }
      const s = result.sentence;
      if (s.type === 'RMC' && s.dateMs !== null) dateMs = s.dateMs;
      if (s.type === 'GGA' || s.type === 'RMC')
        console.log(JSON.stringify(positionLine(s, dateMs)));
      else if (values.all === true) console.log(JSON.stringify(otherLine(s)));
    }
    return 0;
  },
};
