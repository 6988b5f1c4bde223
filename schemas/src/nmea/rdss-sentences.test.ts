import { describe, expect, it } from 'vitest';
import { frame } from './sentence.js';
import { formatFki, formatTxa, formatTxr, parseFki, parseTxa, parseTxr } from './rdss-sentences.js';

describe('BeiDou RDSS sentences', () => {
  it('frames $CCTXA and $BDFKI that parse back', () => {
    const line = formatTxa({ toCard: '0400001', payload: Uint8Array.of(0x10, 0xab) });
    expect(line).toMatch(/^\$CCTXA,0400001,1,1,10AB\*[0-9A-F]{2}$/);
    expect(parseTxa(line)).toEqual({ toCard: '0400001', payload: Uint8Array.of(0x10, 0xab) });
    // The wait is whole seconds, rounded up: sending a second early is refused again.
    expect(parseFki(formatFki({ done: false, rateOk: false, waitS: 42.3 }))).toEqual({
      done: false,
      rateOk: false,
      waitS: 43,
    });
    expect(formatFki({ done: true, rateOk: true, waitS: 60 })).toBe(frame('BDFKI,TXA,Y,Y,0,60'));
  });

  it('carries every byte value of a full 70-byte global message through $BDTXR', () => {
    const payload = Uint8Array.from({ length: 70 }, (_, i) => (i * 37 + 255) & 0xff);
    const line = formatTxr({ fromCard: '0455501', payload });
    expect(line.startsWith('$BDTXR,1,0455501,1,,')).toBe(true);
    expect(parseTxr(line)).toEqual({ fromCard: '0455501', payload });
    // Lower-case hex from a terminal reads the same.
    expect(parseTxr(frame('BDTXR,1,0455501,1,,00ff7a')).payload).toEqual(
      Uint8Array.of(0x00, 0xff, 0x7a),
    );
  });

  it('refuses a bad checksum, another sentence, text content and odd hex', () => {
    const good = formatTxr({ fromCard: '1', payload: Uint8Array.of(1) });
    expect(() => parseTxr(good.replace(/\*..$/, '*00'))).toThrow(/^BDTXR: bad checksum/);
    expect(() => parseTxr(formatTxa({ toCard: '1', payload: Uint8Array.of(1) }))).toThrow(
      'BDTXR: not a BDTXR sentence',
    );
    expect(() => parseTxr(frame('BDTXR,1,0455501,2,,hello'))).toThrow(
      'BDTXR: only code (hex) content is supported',
    );
    expect(() => parseTxa(frame('CCTXA,0400001,1,1,ABC'))).toThrow(
      'CCTXA: content is not hexadecimal',
    );
    expect(() => parseFki(frame('BDFKI,TXB,Y,Y,0,0'))).toThrow('BDFKI: feedback for TXB, not TXA');
    expect(() => parseFki(frame('BDFKI,TXA,N,N,0,soon'))).toThrow(
      'BDFKI: wait "soon" is not seconds',
    );
  });
});
