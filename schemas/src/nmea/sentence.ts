/**
 * NMEA 0183 framing: `$` + address (talker + sentence type) + `,`-separated fields + `*` + two
 * hex digits of checksum. The checksum is the XOR of every character between `$` and `*`.
 * The standard caps a sentence at 82 characters with CR LF, but receivers in high-precision
 * mode (more decimals, RTK station fields) exceed it, so we accept up to 256 and no more, to
 * bound what one line can cost.
 */
export const NMEA_STANDARD_LENGTH = 82;
export const MAX_SENTENCE_LENGTH = 256;

export function checksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

export function frame(body: string): string {
  return `$${body}*${checksum(body)}`;
}

/** Talker ids of satellite systems, with their NMEA 4.10 system id where one exists. */
export const TALKERS = {
  GP: { constellation: 'GPS', systemId: 1 },
  GL: { constellation: 'GLONASS', systemId: 2 },
  GA: { constellation: 'Galileo', systemId: 3 },
  GB: { constellation: 'BeiDou', systemId: 4 }, // NMEA 4.10 and later
  BD: { constellation: 'BeiDou', systemId: 4 }, // legacy, still emitted by many Chinese receivers
  GQ: { constellation: 'QZSS', systemId: 5 },
  GI: { constellation: 'NavIC', systemId: 6 },
  GN: { constellation: 'multi-GNSS', systemId: null },
} as const;
export type Talker = keyof typeof TALKERS;
export type Constellation = (typeof TALKERS)[Talker]['constellation'];

/** NMEA 4.10 GNSS system ids (GSA, GBS, GRS) to constellation. */
export const SYSTEM_IDS: Record<number, Constellation> = {
  1: 'GPS',
  2: 'GLONASS',
  3: 'Galileo',
  4: 'BeiDou',
  5: 'QZSS',
  6: 'NavIC',
};

export function isTalker(value: string): value is Talker {
  return Object.hasOwn(TALKERS, value);
}
