import { ShambaError } from '@shamba/schemas';

/**
 * UCS-2 as SMS carries it (TS 23.038 §6.2.3, data coding "16 bit"): UTF-16 big-endian code units.
 * Characters outside the BMP go as surrogate pairs, as handsets and SMSCs do in practice (UTF-16).
 */
export function encodeUcs2(text: string): Uint8Array {
  const octets = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    octets[2 * i] = unit >> 8;
    octets[2 * i + 1] = unit & 0xff;
  }
  return octets;
}

export function decodeUcs2(octets: Uint8Array): string {
  if (octets.length % 2 !== 0) {
    throw new ShambaError(
      'INVALID_PAYLOAD',
      `UCS-2 needs an even number of octets, got ${octets.length}`,
    );
  }
  const units: number[] = [];
  for (let i = 0; i < octets.length; i += 2) {
    units.push(((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0));
  }
  // In chunks: String.fromCharCode takes its arguments on the stack.
  const CHUNK = 4096;
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) {
    text += String.fromCharCode(...units.slice(i, i + CHUNK));
  }
  return text;
}
