import { describe, expect, it } from 'vitest';
import { writeDbf } from './dbf.js';

describe('writeDbf', () => {
  it('writes a dBASE III header, descriptors and fixed-width records, byte for byte', () => {
    const bytes = writeDbf(
      [
        { name: 'ZONE_ID', type: 'C', length: 6, decimals: 0 },
        { name: 'RATE_MM', type: 'N', length: 8, decimals: 2 },
      ],
      [
        ['z-1', 12.5],
        ['zoneé-2', 0],
      ],
      new Date(Date.UTC(2026, 7, 12)),
    );
    const view = new DataView(bytes.buffer);
    const headerBytes = 32 + 2 * 32 + 1;
    const recordBytes = 1 + 6 + 8;
    expect(bytes.length).toBe(headerBytes + 2 * recordBytes + 1);
    expect([...bytes.slice(0, 4)]).toEqual([0x03, 126, 8, 12]);
    expect(view.getUint32(4, true)).toBe(2);
    expect(view.getUint16(8, true)).toBe(headerBytes);
    expect(view.getUint16(10, true)).toBe(recordBytes);
    const descriptor = (i: number) => bytes.slice(32 + 32 * i, 64 + 32 * i);
    expect([...descriptor(0).slice(0, 11)]).toEqual([...Buffer.from('ZONE_ID\0\0\0\0')]);
    expect([descriptor(0)[11], descriptor(0)[16], descriptor(0)[17]]).toEqual([0x43, 6, 0]);
    expect([descriptor(1)[11], descriptor(1)[16], descriptor(1)[17]]).toEqual([0x4e, 8, 2]);
    expect(bytes[headerBytes - 1]).toBe(0x0d);
    const records = Buffer.from(bytes.slice(headerBytes, -1)).toString('utf8');
    // 'zoneé-2' is 8 UTF-8 bytes: cut to 6 at a character boundary ('zoneé' is 6).
    expect(records).toBe(' z-1      12.50 zoneé    0.00');
    expect(bytes.at(-1)).toBe(0x1a);
  });

  it('refuses a field name longer than dBASE III allows', () => {
    expect(() =>
      writeDbf([{ name: 'RATE_KG_N_HA', type: 'N', length: 8, decimals: 2 }], [], new Date(0)),
    ).toThrow(/1-10/);
  });
});
