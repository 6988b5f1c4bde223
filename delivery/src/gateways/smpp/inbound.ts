// Inbound short messages: decode by data_coding, reassemble concatenated parts. Pure (the
// clock is passed in).
import { decodeGsm7, decodeUcs2 } from '../../sms/index.js';
import { DATA_CODING } from './smpp-lib.js';

export interface InboundPart {
  from: string;
  to: string;
  dataCoding: number;
  /** esm_class bit 6 (UDHI) set: the short_message starts with a User Data Header. */
  hasUdh: boolean;
  shortMessage: Uint8Array;
}

export interface InboundMessage {
  from: string;
  to: string;
  text: string;
}

/** Decoded text, and whether GSM-7 octets had to be read as Latin-1 instead. */
export interface DecodedText {
  text: string;
  latin1Fallback: boolean;
}

/**
 * Decodes octets by data_coding (SMPP v3.4 §5.2.19); null for a coding we cannot read.
 * data_coding 0 is "SMSC default alphabet" (§5.2.19), which some SMSCs take to be Latin-1 rather
 * than GSM 03.38: an octet above 0x7F is no septet (3GPP TS 23.038 §6.2.1), so such a message is
 * read as Latin-1 rather than dropped (the SMSC has already had its deliver_sm_resp).
 */
export function decodeShortMessage(dataCoding: number, octets: Uint8Array): DecodedText | null {
  switch (dataCoding) {
    case DATA_CODING.GSM7:
      return decodeGsm7Leniently(octets);
    case DATA_CODING.UCS2:
      return { text: decodeUcs2(octets), latin1Fallback: false };
    case DATA_CODING.IA5: // IA5 is ASCII, a subset of Latin-1
    case DATA_CODING.LATIN1:
      return { text: latin1(octets), latin1Fallback: false };
    default:
      return null;
  }
}

const latin1 = (octets: Uint8Array) => new TextDecoder('latin1').decode(octets);

function decodeGsm7Leniently(octets: Uint8Array): DecodedText {
  try {
    return { text: decodeGsm7(octets), latin1Fallback: false };
  } catch {
    return { text: latin1(octets), latin1Fallback: true };
  }
}

export interface Concatenation {
  reference: number;
  total: number;
  sequence: number;
}

/** Finds the concatenation IE (IEI 0x00 8-bit or 0x08 16-bit reference, TS 23.040 §9.2.3.24.1/.8). */
export function splitUdh(octets: Uint8Array): { concat?: Concatenation; body: Uint8Array } {
  const udhl = octets[0] ?? 0;
  const body = octets.subarray(1 + udhl);
  for (let offset = 1; offset + 1 < 1 + udhl;) {
    const iei = octets[offset] ?? 0;
    const length = octets[offset + 1] ?? 0;
    const data = octets.subarray(offset + 2, offset + 2 + length);
    if (iei === 0x00 && length === 3) {
      return {
        concat: { reference: at(data, 0), total: at(data, 1), sequence: at(data, 2) },
        body,
      };
    }
    if (iei === 0x08 && length === 4) {
      const reference = (at(data, 0) << 8) | at(data, 1);
      return { concat: { reference, total: at(data, 2), sequence: at(data, 3) }, body };
    }
    offset += 2 + length;
  }
  return { body };
}

const at = (octets: Uint8Array, index: number): number => octets[index] ?? 0;

/**
 * A farmer's long reply comes in parts that may arrive in any order; parts of a message that never
 * completes are dropped after `maxAgeMs` (a handset sends all parts within seconds; 10 minutes
 * covers an SMSC retrying a part) and at most `maxPending` messages wait, so memory is bounded.
 */
export function createReassembler(options: {
  clock: () => number;
  /** Told when a data_coding 0 message was read as Latin-1 (for a debug log). */
  onLatin1Fallback?: (part: { from: string; to: string }) => void;
  maxAgeMs?: number;
  maxPending?: number;
}) {
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const maxPending = options.maxPending ?? 1_000;
  const pending = new Map<string, { firstAtMs: number; parts: Map<number, Uint8Array> }>();

  function prune(nowMs: number): void {
    for (const [key, entry] of pending) {
      if (nowMs - entry.firstAtMs > maxAgeMs || pending.size > maxPending) pending.delete(key);
    }
  }

  /** The whole message when this part completes it (or needs no reassembly), else null. */
  function accept(part: InboundPart): InboundMessage | null {
    const { concat, body } = part.hasUdh
      ? splitUdh(part.shortMessage)
      : { concat: undefined, body: part.shortMessage };
    if (!concat || concat.total <= 1) return message(part, body);
    const nowMs = options.clock();
    prune(nowMs);
    const key = `${part.from}|${part.to}|${concat.reference}|${concat.total}|${part.dataCoding}`;
    const entry = pending.get(key) ?? { firstAtMs: nowMs, parts: new Map<number, Uint8Array>() };
    pending.set(key, entry);
    entry.parts.set(concat.sequence, body);
    if (entry.parts.size < concat.total) return null;
    pending.delete(key);
    const ordered = [...entry.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, octets]) => octets);
    // Join the octets before decoding: a UCS-2 surrogate pair may straddle two parts.
    return message(part, joinOctets(ordered));
  }

  function message(part: InboundPart, octets: Uint8Array): InboundMessage | null {
    const decoded = decodeShortMessage(part.dataCoding, octets);
    if (decoded === null) return null;
    if (decoded.latin1Fallback) options.onLatin1Fallback?.({ from: part.from, to: part.to });
    return { from: part.from, to: part.to, text: decoded.text };
  }

  return { accept, pendingCount: () => pending.size };
}

function joinOctets(chunks: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
