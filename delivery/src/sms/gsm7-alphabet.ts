import { ShambaError } from '@shamba/schemas';

/**
 * The GSM 7-bit default alphabet, 3GPP TS 23.038 §6.2.1, indexed by septet value. 0x1B is the
 * escape to the extension table (below), so it maps to no character here.
 * 0x09 is 'Ç' (LATIN CAPITAL LETTER C WITH CEDILLA): the 3GPP table and the Unicode
 * consortium's GSM0338 mapping agree; lowercase 'ç' is not in the alphabet.
 */
const DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** The escape septet that precedes an extension-table code (TS 23.038 §6.2.1, 0x1B). */
export const GSM7_ESCAPE = 0x1b;

/**
 * The default alphabet extension table, TS 23.038 §6.2.1.1: each is sent as ESC + code, so it
 * costs two septets. 0x0D (CR2) and 0x1B (a further extension) have no character and are left out.
 */
const EXTENSION_TABLE: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const DEFAULT_CODE = new Map<string, number>(
  [...DEFAULT_ALPHABET].flatMap((char, code) => (code === GSM7_ESCAPE ? [] : [[char, code]])),
);
const EXTENSION_CODE = new Map<string, number>(EXTENSION_TABLE);
const EXTENSION_CHAR = new Map<number, string>(EXTENSION_TABLE.map(([char, code]) => [code, char]));

/** Septets one character costs in GSM-7 (1, or 2 for the extension table), or null if absent. */
export function gsm7Septets(char: string): 1 | 2 | null {
  if (DEFAULT_CODE.has(char)) return 1;
  if (EXTENSION_CODE.has(char)) return 2;
  return null;
}

/** GSM 03.38 default alphabet, unpacked: one septet per octet, extension characters as 0x1B + code (SMPP data_coding 0 carries this). Throws on a character outside the alphabet. */
export function encodeGsm7(text: string): Uint8Array {
  const septets: number[] = [];
  for (const char of text) {
    const code = DEFAULT_CODE.get(char);
    if (code !== undefined) {
      septets.push(code);
      continue;
    }
    const extension = EXTENSION_CODE.get(char);
    if (extension === undefined) {
      const codePoint = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new ShambaError('INVALID_PAYLOAD', `${codePoint} is not in the GSM 7-bit alphabet`);
    }
    septets.push(GSM7_ESCAPE, extension);
  }
  return Uint8Array.from(septets);
}

/**
 * The inverse of encodeGsm7. An escape followed by a code the extension table does not define
 * reads as the default-alphabet character, as TS 23.038 §6.2.1.1 tells a receiver to display;
 * ESC ESC and a trailing lone ESC read as a space (the same clause: "display a space").
 */
export function decodeGsm7(octets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < octets.length; i++) {
    const octet = septetAt(octets, i);
    if (octet !== GSM7_ESCAPE) {
      text += defaultChar(octet);
      continue;
    }
    i++;
    const code = i < octets.length ? septetAt(octets, i) : GSM7_ESCAPE;
    text += EXTENSION_CHAR.get(code) ?? (code === GSM7_ESCAPE ? ' ' : defaultChar(code));
  }
  return text;
}

function septetAt(octets: Uint8Array, index: number): number {
  const octet = octets[index] ?? 0;
  if (octet > 0x7f) {
    throw new ShambaError(
      'INVALID_PAYLOAD',
      `octet ${index} (0x${octet.toString(16)}) is not a septet`,
    );
  }
  return octet;
}

function defaultChar(code: number): string {
  return DEFAULT_ALPHABET[code] ?? ' ';
}
