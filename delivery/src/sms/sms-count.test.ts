import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGsm7 } from './gsm7-alphabet.js';
import { countSms, splitSms, type SmsEncoding } from './sms-count.js';

const a = (n: number): string => 'a'.repeat(n);
const ethiopic = (n: number): string => 'ነ'.repeat(n); // U+1290, one UCS-2 unit

describe('countSms', () => {
  it('counts empty text as one GSM-7 segment with all 160 septets left', () => {
    expect(countSms('')).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      unitsLeft: 160,
      units: 0,
      text: '',
    });
  });

  // TS 23.040 §9.2.3.16: 140 octets = 160 septets; §9.2.3.24.1: 153 per concatenated part.
  it('fits exactly 160 GSM-7 septets in one segment and splits 161 into two', () => {
    expect(countSms(a(160))).toMatchObject({
      encoding: 'GSM-7',
      segments: 1,
      unitsLeft: 0,
      units: 160,
    });
    expect(countSms(a(161))).toMatchObject({
      encoding: 'GSM-7',
      segments: 2,
      unitsLeft: 145,
      units: 161,
    });
    expect(countSms(a(306))).toMatchObject({ segments: 2, unitsLeft: 0 });
    expect(countSms(a(307))).toMatchObject({ segments: 3, unitsLeft: 152 });
  });

  it('fits exactly 70 UCS-2 units in one segment and splits 71 into two of 67 + 4', () => {
    expect(countSms(ethiopic(70))).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      unitsLeft: 0,
      units: 70,
    });
    expect(countSms(ethiopic(71))).toMatchObject({
      encoding: 'UCS-2',
      segments: 2,
      unitsLeft: 63,
      units: 71,
    });
  });

  // TS 23.038 §6.2.1.1: extension characters are ESC + code, two septets each.
  it('charges two septets for each extension character', () => {
    expect(countSms('^{}\\[~]|€\f')).toMatchObject({
      encoding: 'GSM-7',
      units: 20,
      unitsLeft: 140,
    });
    expect(countSms('€'.repeat(80))).toMatchObject({ segments: 1, unitsLeft: 0, units: 160 });
    // 81 € = 162 septets: 76 € (152 septets, the 77th would need 154) + 5 €.
    expect(countSms('€'.repeat(81))).toMatchObject({ segments: 2, unitsLeft: 143, units: 162 });
  });

  it('keeps ASCII text GSM-7 and counts a GSM-only Greek capital as one septet', () => {
    expect(countSms('Irrigate 12 mm tomorrow. Δ=3')).toMatchObject({
      encoding: 'GSM-7',
      units: 28,
      unitsLeft: 132,
    });
  });

  // TS 23.038 §6.2.1: 0x09 is Ç (capital); lowercase ç is not in the default alphabet.
  it('counts Portuguese with ç ã õ as UCS-2, but Ç alone as GSM-7', () => {
    expect(countSms('Irrigação amanhã, limões')).toMatchObject({
      encoding: 'UCS-2',
      units: 24,
      unitsLeft: 46,
    });
    expect(countSms('ç').encoding).toBe('UCS-2');
    expect(countSms('Ç').encoding).toBe('GSM-7');
  });

  it('counts Amharic as UCS-2, one unit per syllable', () => {
    expect(countSms('ነገ ውሃ ያጠጡ')).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      units: 9,
      unitsLeft: 61,
    });
  });

  it('counts Vietnamese typed decomposed (NFD) the same as composed (NFC), and returns the NFC text', () => {
    const text =
      'Ngày mai tưới nước sáng sớm, đất khô. Mưa dự báo thứ Năm. Phân bón: 30 kg/ha urê.';
    const nfd = text.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(text.length); // the input really is decomposed
    const nfc = text.normalize('NFC');
    expect(countSms(nfd)).toEqual(countSms(nfc));
    expect(countSms(nfd)).toEqual({
      encoding: 'UCS-2',
      segments: 2,
      unitsLeft: 53,
      units: 81,
      text: nfc,
    });
  });

  it('counts an emoji (outside the BMP) as a surrogate pair: two units', () => {
    expect(countSms('Rain 🌧')).toMatchObject({ encoding: 'UCS-2', units: 7, unitsLeft: 63 });
  });
});

describe('splitSms', () => {
  it('returns one part when the message fits one segment', () => {
    expect(splitSms(a(160))).toEqual({ encoding: 'GSM-7', parts: [a(160)] });
    expect(splitSms('')).toEqual({ encoding: 'GSM-7', parts: [''] });
  });

  it('moves an escape pair that would straddle the boundary whole to the next part', () => {
    // 152 septets + € (2) = 154 > 153: the € goes to part 2.
    const text = `${a(152)}€${'b'.repeat(10)}`;
    expect(splitSms(text)).toEqual({ encoding: 'GSM-7', parts: [a(152), `€${'b'.repeat(10)}`] });
    expect(countSms(text)).toMatchObject({ segments: 2, units: 164, unitsLeft: 153 - 12 });
  });

  it('keeps an extension character that ends exactly on the boundary in the first part', () => {
    const text = `${a(151)}€${'b'.repeat(10)}`; // 163 septets: two parts
    expect(splitSms(text).parts).toEqual([`${a(151)}€`, 'b'.repeat(10)]);
  });

  it('never splits a surrogate pair: the emoji moves whole to the next part', () => {
    const text = `${ethiopic(66)}🌧${ethiopic(5)}`;
    expect(splitSms(text)).toEqual({ encoding: 'UCS-2', parts: [ethiopic(66), `🌧${ethiopic(5)}`] });
    expect(countSms(text)).toMatchObject({ segments: 2, units: 73, unitsLeft: 60 });
  });

  it('splits 71 UCS-2 units as 67 + 4', () => {
    expect(splitSms(ethiopic(71)).parts).toEqual([ethiopic(67), ethiopic(4)]);
  });
});

const LIMIT: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

// Units measured independently of the counter: encoded septets, or UTF-16 code units.
function measure(part: string, encoding: SmsEncoding): number {
  return encoding === 'GSM-7' ? encodeGsm7(part).length : part.length;
}

const PIECES = [
  'a',
  'Z',
  ' ',
  '.',
  '€',
  '{',
  '\\',
  '\f',
  'Ç',
  'ç',
  'ã',
  'ነ',
  '🌧',
  '👍🏽',
  'e\u0301',
  'ư\u0303',
];

describe('splitSms properties', () => {
  it('joins back to the NFC text, every part fits its limit, and countSms agrees', () => {
    const texts = fc.oneof(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 400 }).map((pieces) => pieces.join('')),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const { encoding, parts } = splitSms(text);
        expect(parts.join('')).toBe(text.normalize('NFC'));
        const limit = parts.length === 1 ? LIMIT[encoding].single : LIMIT[encoding].part;
        for (const part of parts) expect(measure(part, encoding)).toBeLessThanOrEqual(limit);
        const count = countSms(text);
        expect(count.segments).toBe(parts.length);
        expect(count.encoding).toBe(encoding);
        const last = parts[parts.length - 1] ?? '';
        expect(count.unitsLeft).toBe(limit - measure(last, encoding));
      }),
      { numRuns: 500 },
    );
  });
});
