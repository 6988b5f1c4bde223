/**
 * Text normalisation for farmers' replies: what a feature phone sends is typed in a hurry, in any
 * case, with or without accents, with the phone's own digits. Pure.
 */

/**
 * Combining marks are stripped only after a Latin, Greek or Cyrillic letter (`é` = `e`, Vietnamese
 * `Việt` = `viet`): in abugidas (Devanagari, and the Ethiopic gemination marks U+135D-135F) the
 * marks are part of the word, and dropping them would turn one word into another.
 */
const MARKS_AFTER_ALPHABET = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

/** Latin letters with no canonical decomposition, as a reader without the accent would type them. */
const LATIN_FOLDS: Readonly<Record<string, string>> = {
  đ: 'd',
  ø: 'o',
  ł: 'l',
  ı: 'i',
  ß: 'ss',
};

const APOSTROPHES = /[\u2019\u02BC\u2018`´]/gu; // Afaan Oromoo writes its glottal stop with one

/** Lower case, no accents on alphabetic letters, ASCII digits, one apostrophe form. */
export function normalizeReplyText(text: string): string {
  const folded = text
    .normalize('NFD')
    .replace(MARKS_AFTER_ALPHABET, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[đøłıß]/gu, (c) => LATIN_FOLDS[c] ?? c)
    .replace(APOSTROPHES, "'")
    // Arabic decimal separator (U+066B), as Arabic-Indic numbers write 12.5.
    .replace(/\u066B/gu, '.');
  return asciiDigits(folded);
}

/**
 * A reply as typed, for telling accented words apart: lower case (NFC), one apostrophe form,
 * ASCII digits, but the accents kept (Vietnamese `dừng` stop, `đúng` right and `dùng` use all
 * fold to `dung`). It cuts into the same tokens as normalizeReplyText's text.
 */
export function typedReplyText(text: string): string {
  const typed = text
    .normalize('NFC')
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(/\u066B/gu, '.');
  return asciiDigits(typed);
}

/** Every decimal digit (Unicode `Nd`, any script) as ASCII, and Ethiopic numerals as decimals. */
export function asciiDigits(text: string): string {
  return text
    .replace(/[\u1369-\u137C]+/gu, (run) => String(ethiopicValue(run)))
    .replace(/\p{Nd}/gu, (digit) => String(digitValue(digit)));
}

const ND = /^\p{Nd}$/u;
const isDecimalDigit = (codePoint: number) => ND.test(String.fromCodePoint(codePoint));
const DIGIT_VALUES = new Map<string, number>();

/**
 * A decimal digit's value. Unicode's stability policy guarantees that characters with
 * Numeric_Type=Decimal are encoded in contiguous runs of ten, 0 to 9 in ascending order
 * (Unicode Character Encoding Stability Policies, "Property Value Stability"), so the value is the
 * digit's distance from the start of its run of `Nd` characters, modulo ten (the mathematical
 * digits U+1D7CE-1D7FF are five such runs back to back).
 */
export function digitValue(digit: string): number {
  const known = DIGIT_VALUES.get(digit);
  if (known !== undefined) return known;
  const codePoint = digit.codePointAt(0) ?? 0;
  let before = 0;
  while (isDecimalDigit(codePoint - before - 1)) before++;
  const value = before % 10;
  DIGIT_VALUES.set(digit, value);
  return value;
}

/**
 * Ethiopic numerals (Unicode §19.1, "Ethiopic": U+1369-1371 one to nine, U+1372-137A ten to
 * ninety, U+137B hundred, U+137C ten thousand) are additive, not positional: ፳፭ = 20 + 5 = 25,
 * ፪፻፶ = 2 x 100 + 50 = 250, ፻፳ = 120 (a bare ፻ is one hundred).
 */
export function ethiopicValue(numerals: string): number {
  let total = 0;
  let group = 0; // units and tens since the last multiplier
  let hundreds = 0; // the current group of ten thousands, below ፼
  for (const numeral of numerals) {
    const code = numeral.codePointAt(0) ?? 0;
    if (code >= 0x1369 && code <= 0x1371) group += code - 0x1368;
    else if (code >= 0x1372 && code <= 0x137a) group += (code - 0x1371) * 10;
    else if (code === 0x137b) {
      hundreds += (group || 1) * 100;
      group = 0;
    } else if (code === 0x137c) {
      total += (hundreds + group || 1) * 10_000;
      hundreds = 0;
      group = 0;
    }
  }
  return total + hundreds + group;
}

/** One word or number of a reply. */
export type ReplyToken = { kind: 'word'; text: string } | { kind: 'number'; value: number };

/**
 * A normalised reply cut into words and numbers; everything else (spaces, punctuation, emoji) only
 * separates. `12,5` and `12.5` are one number (the decimal comma of most of our languages); a
 * word and a number typed together (`DONE25`, `25mm`) are two tokens. A minus sign counts only
 * at the start of a number that stands alone (`RAIN -5`), not between numbers (`2-25`).
 */
export function tokenizeReply(normalized: string): ReplyToken[] {
  const tokens: ReplyToken[] = [];
  const pattern = /((?<![\p{L}\p{N}])-)?(\d+(?:[.,]\d+)?)|([\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*)/gu;
  for (const match of normalized.matchAll(pattern)) {
    const [, minus, number, word] = match;
    if (word !== undefined) tokens.push({ kind: 'word', text: word });
    else if (number !== undefined) {
      const value = Number(number.replace(',', '.'));
      tokens.push({ kind: 'number', value: minus === undefined ? value : -value });
    }
  }
  return tokens;
}

/** The words of a phrase (a keyword, a field's name), as a reply would spell them. */
export function phraseWords(phrase: string): string[] {
  return tokenizeReply(normalizeReplyText(phrase)).map((token) =>
    token.kind === 'word' ? token.text : String(token.value),
  );
}
