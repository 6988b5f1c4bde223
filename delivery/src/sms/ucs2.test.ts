import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeUcs2 } from './ucs2.js';

describe('encodeUcs2', () => {
  it('writes UTF-16 big-endian, an emoji as its surrogate pair', () => {
    // U+1290 ETHIOPIC SYLLABLE NE; U+1F327 CLOUD WITH RAIN = D83C DF27.
    expect([...encodeUcs2('Aነ🌧')]).toEqual([0x00, 0x41, 0x12, 0x90, 0xd8, 0x3c, 0xdf, 0x27]);
  });
});

describe('decodeUcs2', () => {
  it('round-trips any Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(decodeUcs2(encodeUcs2(text))).toBe(text);
      }),
    );
  });

  it('round-trips a text longer than one String.fromCharCode chunk', () => {
    const text = 'ነገ ውሃ '.repeat(2000);
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });

  it('throws INVALID_PAYLOAD on an odd number of octets', () => {
    expect(() => decodeUcs2(Uint8Array.from([0x00, 0x41, 0x00]))).toThrow(
      /even number of octets, got 3/,
    );
  });
});
