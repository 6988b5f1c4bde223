import { gsm7Septets } from './gsm7-alphabet.js';

// Why not `sms-segments-calculator` (Twilio's, installed): it does not normalise, so Vietnamese
// typed decomposed (NFD) counts 104 UCS-2 units where the same text in NFC counts 81 (and can
// take an extra part); and it has no encoder, while our encoder needs the alphabet table anyway,
// so one table here serves counting, splitting and encoding. It got the other cases right.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  segments: number;
  unitsLeft: number;
  /** septets for GSM-7, UTF-16 code units for UCS-2 */
  units: number;
  /** the NFC text that was counted */
  text: string;
}

interface SegmentLimits {
  /** Units in a message that fits one segment (no UDH). */
  single: number;
  /** Units in each part of a concatenated message (after the UDH). */
  concatenated: number;
}

// TS 23.040 §9.2.3.16: user data is 140 octets = 160 septets (7-bit) or 70 UCS-2 units.
// TS 23.040 §9.2.3.24.1: concatenation with an 8-bit reference takes a 6-octet UDH (UDHL 1 +
// IEI 1 + IEDL 1 + ref, total, seq 3), leaving 134 octets = 67 UCS-2 units, or, padded to a
// septet boundary, (140 - 6) * 8 / 7 = 153 septets.
const LIMITS: Record<SmsEncoding, SegmentLimits> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

/** Units one character (one code point) costs: GSM-7 septets, or UTF-16 code units. */
function unitsOf(char: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS-2') return char.length; // a surrogate pair is 2 units
  return gsm7Septets(char) ?? 0;
}

// TS 23.038 §6.2.1 and its extension table §6.2.1.1: GSM-7 when every character is in either.
function encodingFor(nfc: string): SmsEncoding {
  for (const char of nfc) if (gsm7Septets(char) === null) return 'UCS-2';
  return 'GSM-7';
}

interface Split {
  encoding: SmsEncoding;
  text: string;
  parts: string[];
  partUnits: number[];
}

function splitNfc(nfc: string): Split {
  const encoding = encodingFor(nfc);
  const limits = LIMITS[encoding];
  const chars = [...nfc]; // by code point: a surrogate pair stays whole
  const total = chars.reduce((sum, char) => sum + unitsOf(char, encoding), 0);
  if (total <= limits.single) return { encoding, text: nfc, parts: [nfc], partUnits: [total] };
  const parts: string[] = [];
  const partUnits: number[] = [];
  let part = '';
  let units = 0;
  for (const char of chars) {
    const cost = unitsOf(char, encoding);
    // A character that does not fit whole (an escape pair with one septet left, a surrogate
    // pair with one unit left) moves whole to the next part.
    if (units + cost > limits.concatenated) {
      parts.push(part);
      partUnits.push(units);
      part = '';
      units = 0;
    }
    part += char;
    units += cost;
  }
  parts.push(part);
  partUnits.push(units);
  return { encoding, text: nfc, parts, partUnits };
}

export function countSms(text: string): SmsCount {
  const split = splitNfc(text.normalize('NFC'));
  const limits = LIMITS[split.encoding];
  const last = split.partUnits[split.partUnits.length - 1] ?? 0;
  const room = split.parts.length === 1 ? limits.single : limits.concatenated;
  return {
    encoding: split.encoding,
    // Empty text is one (empty) GSM-7 segment with all 160 septets left: a gateway still sends
    // one SMS for it.
    segments: split.parts.length,
    unitsLeft: room - last,
    units: split.partUnits.reduce((sum, units) => sum + units, 0),
    text: split.text,
  };
}

/** The message cut into the parts a gateway submits with a concatenation UDH (one part when it fits one segment); never splits a GSM escape pair or a surrogate pair. */
export function splitSms(text: string): { encoding: SmsEncoding; parts: string[] } {
  const { encoding, parts } = splitNfc(text.normalize('NFC'));
  return { encoding, parts };
}
