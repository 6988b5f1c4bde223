import { isShambaError } from '@shamba/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGsm7, encodeGsm7 } from './gsm7-alphabet.js';

// Every character of the default alphabet (TS 23.038 §6.2.1) except ESC, then the extension
// table (§6.2.1.1).
const DEFAULT_CHARS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION_CHARS = '\f^{}\\[~]|€';

describe('encodeGsm7', () => {
  it('maps characters to their septets, one per octet', () => {
    expect([...encodeGsm7('@£$¥Ç\nΔ_¤¡A§¿aà')]).toEqual([
      0x00, 0x01, 0x02, 0x03, 0x09, 0x0a, 0x10, 0x11, 0x24, 0x40, 0x41, 0x5f, 0x60, 0x61, 0x7f,
    ]);
  });

  it('writes extension characters as ESC + code', () => {
    expect([...encodeGsm7(EXTENSION_CHARS)]).toEqual([
      0x1b, 0x0a, 0x1b, 0x14, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x3c, 0x1b, 0x3d, 0x1b,
      0x3e, 0x1b, 0x40, 0x1b, 0x65,
    ]);
  });

  it('covers all 127 septets of the default alphabet exactly once', () => {
    const septets = [...encodeGsm7(DEFAULT_CHARS)];
    expect(septets).toHaveLength(127);
    expect(new Set(septets).size).toBe(127);
    expect(septets).not.toContain(0x1b);
  });

  it('throws INVALID_PAYLOAD on a character outside the alphabet, naming it', () => {
    for (const char of ['ç', 'ã', '`', 'ነ', '🌧']) {
      expect(() => encodeGsm7(`ok ${char}`)).toThrow(/not in the GSM 7-bit alphabet/);
    }
    const thrown = (() => {
      try {
        encodeGsm7('ç');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isShambaError(thrown, 'INVALID_PAYLOAD')).toBe(true);
    expect((thrown as Error).message).toBe('U+00E7 is not in the GSM 7-bit alphabet');
  });
});

describe('decodeGsm7', () => {
  it('round-trips the whole alphabet and extension table', () => {
    const text = DEFAULT_CHARS + EXTENSION_CHARS;
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
  });

  it('round-trips any text drawn from the alphabet', () => {
    const chars = [...DEFAULT_CHARS, ...EXTENSION_CHARS];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 200 }), (list) => {
        const text = list.join('');
        expect(decodeGsm7(encodeGsm7(text))).toBe(text);
      }),
    );
  });

  // TS 23.038 §6.2.1.1: an unknown extension code shows the default-table character; ESC ESC
  // (reserved for a further extension) shows a space.
  it('reads an undefined extension code as the default character, and ESC ESC or a lone ESC as a space', () => {
    expect(decodeGsm7(Uint8Array.from([0x1b, 0x41, 0x1b, 0x1b, 0x62, 0x1b]))).toBe('A b ');
  });

  it('throws INVALID_PAYLOAD on an octet above 0x7F', () => {
    expect(() => decodeGsm7(Uint8Array.from([0x41, 0x80]))).toThrow(
      /octet 1 \(0x80\) is not a septet/,
    );
  });
});
