import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asciiDigits,
  digitValue,
  ethiopicValue,
  normalizeReplyText,
  tokenizeReply,
} from './normalize.js';

/** n (1-9999) in Ethiopic numerals, as Unicode §19.1 writes them: tens and units, then ፻. */
function toEthiopic(n: number): string {
  const belowHundred = (v: number) =>
    (v >= 10 ? String.fromCodePoint(0x1371 + Math.floor(v / 10)) : '') +
    (v % 10 > 0 ? String.fromCodePoint(0x1368 + (v % 10)) : '');
  const hundreds = Math.floor(n / 100);
  if (hundreds === 0) return belowHundred(n);
  return (hundreds === 1 ? '' : belowHundred(hundreds)) + '፻' + belowHundred(n % 100);
}

describe('digits in any script', () => {
  it('maps every decimal digit Intl formats, in every numbering system it knows, to its value', () => {
    let checked = 0;
    for (const system of Intl.supportedValuesOf('numberingSystem')) {
      const format = new Intl.NumberFormat('en', { numberingSystem: system, useGrouping: false });
      for (let d = 0; d <= 9; d++) {
        const glyph = format.format(d);
        if (!/^\p{Nd}$/u.test(glyph)) continue; // algorithmic systems (roman, ethi, hans...)
        expect([system, digitValue(glyph)]).toEqual([system, d]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500); // some 60 positional systems of ten digits
  });

  it('maps the mathematical digits, five runs of ten back to back', () => {
    expect(asciiDigits('\u{1D7CE}\u{1D7D7}\u{1D7D8}\u{1D7FF}')).toBe('0909');
  });

  it('reads Ethiopic numerals additively', () => {
    expect(['፳፭', '፻', '፪፻፶', '፻፳', '፲', '፺፱', '፱፱', '፼'].map(ethiopicValue)).toEqual([
      25, 100, 250, 120, 10, 99, 18, 10_000,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), (n) => {
        expect(ethiopicValue(toEthiopic(n))).toBe(n);
      }),
    );
  });
});

describe('normalizeReplyText', () => {
  it('folds case and Latin accents, keeps Ethiopic and Devanagari whole', () => {
    expect(normalizeReplyText('COMEÇAR Tiếng Việt Đà Nẵng')).toBe('comecar tieng viet da nang');
    expect(normalizeReplyText('ጨረስኩ ቋንቋ')).toBe('ጨረስኩ ቋንቋ');
    // U+135F, the Ethiopic gemination mark, is part of the word: kept.
    expect(normalizeReplyText('ሰ\u135Fው')).toBe('ሰ\u135Fው');
    expect(normalizeReplyText('हिन्दी')).toBe('हिन्दी');
    expect(normalizeReplyText('ba’e')).toBe("ba'e");
  });

  it('cuts words and numbers apart, with a decimal comma', () => {
    expect(tokenizeReply(normalizeReplyText('DONE25mm, 12,5; 2-25 -3'))).toEqual([
      { kind: 'word', text: 'done' },
      { kind: 'number', value: 25 },
      { kind: 'word', text: 'mm' },
      { kind: 'number', value: 12.5 },
      { kind: 'number', value: 2 },
      { kind: 'number', value: 25 },
      { kind: 'number', value: -3 },
    ]);
  });
});
