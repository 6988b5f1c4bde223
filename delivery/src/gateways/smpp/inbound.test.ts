import { describe, expect, it } from 'vitest';
import { createReassembler, decodeShortMessage, splitUdh } from './inbound.js';

const part = (reference: number, sequence: number, text: string) => ({
  from: '+254712345678',
  to: '20880',
  dataCoding: 0,
  hasUdh: true,
  shortMessage: Uint8Array.from([5, 0, 3, reference, 2, sequence, ...Buffer.from(text)]),
});

describe('inbound decoding and reassembly', () => {
  it('decodes by data_coding and refuses codings it cannot read', () => {
    const text = (dataCoding: number, octets: Uint8Array) =>
      decodeShortMessage(dataCoding, octets)?.text;
    expect(text(0, Uint8Array.of(0x00, 0x41, 0x1b, 0x65))).toBe('@A€');
    expect(text(3, Uint8Array.of(0x43, 0x61, 0x66, 0xe9))).toBe('Café');
    expect(text(8, Uint8Array.of(0x12, 0x30))).toBe('ሰ');
    expect(decodeShortMessage(0xf5, Uint8Array.of(0x41))).toBeNull();
  });

  it('reads data_coding 0 with an octet above 0x7F as Latin-1, and says so', () => {
    // "Café 12" in Latin-1: 0xE9 is no GSM-7 septet (3GPP TS 23.038 §6.2.1).
    expect(decodeShortMessage(0, Uint8Array.of(0x43, 0x61, 0x66, 0xe9, 0x20, 0x31, 0x32))).toEqual({
      text: 'Café 12',
      latin1Fallback: true,
    });
    expect(decodeShortMessage(0, Uint8Array.of(0x41))).toEqual({
      text: 'A',
      latin1Fallback: false,
    });
    const fallbacks: unknown[] = [];
    const reassembler = createReassembler({
      clock: () => 0,
      onLatin1Fallback: (p) => fallbacks.push(p),
    });
    const latin1 = { ...part(3, 1, ''), hasUdh: false, shortMessage: Uint8Array.of(0x41, 0xe0) };
    expect(reassembler.accept(latin1)?.text).toBe('Aà');
    expect(fallbacks).toEqual([{ from: '+254712345678', to: '20880' }]);
  });

  it('reads 8-bit and 16-bit concatenation headers (TS 23.040 §9.2.3.24.1, .8)', () => {
    expect(splitUdh(Uint8Array.of(5, 0, 3, 9, 2, 1, 0x41)).concat).toEqual({
      reference: 9,
      total: 2,
      sequence: 1,
    });
    // A port IE (0x05) first, then the 16-bit reference IE.
    const udh = Uint8Array.of(12, 0x05, 4, 0, 1, 0, 2, 0x08, 4, 0x12, 0x34, 3, 2, 0x42);
    expect(splitUdh(udh)).toEqual({
      concat: { reference: 0x1234, total: 3, sequence: 2 },
      body: Uint8Array.of(0x42),
    });
  });

  it('drops parts of a message that never completes after maxAgeMs', () => {
    let nowMs = 0;
    const reassembler = createReassembler({ clock: () => nowMs, maxAgeMs: 1_000 });
    expect(reassembler.accept(part(1, 1, 'Habari '))).toBeNull();
    nowMs = 2_000;
    expect(reassembler.accept(part(2, 1, 'Mvua '))).toBeNull();
    expect(reassembler.pendingCount()).toBe(1); // reference 1 was dropped
    expect(reassembler.accept(part(1, 2, 'yako'))).toBeNull(); // starts afresh, incomplete
    expect(reassembler.accept(part(2, 2, 'leo'))).toEqual({
      from: '+254712345678',
      to: '20880',
      text: 'Mvua leo',
    });
  });
});
