import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '../errors/shamba-error.js';
import { SUPPLY_UNITS } from '../registry/prescriptions/irrigation.js';
import { decodeCompact, encodeCompact } from './compact.js';
import {
  ADVICE_PRODUCTS,
  FARMER_ADVICE_BYTES,
  NITROGEN_SUPPLY_UNITS,
  crc16,
  decodeFarmerAdvice,
  encodeFarmerAdvice,
  prescriptionRef,
  type FarmerAdvice,
  type IrrigationAdvice,
  type NitrogenAdvice,
} from './farmer-advice.js';

const IRRIGATE: IrrigationAdvice = {
  kind: 'irrigation',
  decision: 'irrigate',
  fieldNumber: 3,
  amountMm: 25,
  supply: { amount: 42.5, unit: 'pump-minutes' },
  dueDate: '2026-12-04',
  revision: 7,
  prescriptionRef: 0x1a2b3c4d,
};
const FERTILISE: NitrogenAdvice = {
  kind: 'nitrogen',
  decision: 'fertilise',
  fieldNumber: 12,
  nKgHa: 36.4,
  product: 'urea',
  supply: { amount: 1.6, unit: 'bags-50kg' },
  dueDate: null,
  revision: 2,
  prescriptionRef: prescriptionRef('rx-field-12-nitrogen-2'),
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
/** `bytes` with its first 17 bytes changed and the CRC made right again: a well-formed lie. */
function resealed(bytes: Uint8Array, change: (b: Uint8Array) => void): Uint8Array {
  const copy = Uint8Array.from(bytes);
  change(copy);
  new DataView(copy.buffer).setUint16(17, crc16(copy.subarray(0, 17)));
  return copy;
}
function invalidPayload(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isShambaError(error, 'INVALID_PAYLOAD')) return error.message;
    throw error;
  }
  throw new Error('did not throw');
}

describe('farmer advice codec', () => {
  it('lays the bytes out as documented', () => {
    const bytes = encodeFarmerAdvice(IRRIGATE);
    // A1 | kind 1 decision 1 | field 3 | 250 tenths of mm | unit 1 | 425 tenths of a minute |
    // day 2529 (2026-12-04) | revision 7 | reference | CRC
    expect(hex(bytes.subarray(0, 17))).toBe(
      'A111' + '0003' + '00FA' + '01' + '01A9' + '09E1' + '0007' + '1A2B3C4D',
    );
    expect(bytes.length).toBe(FARMER_ADVICE_BYTES);
    expect(new DataView(bytes.buffer).getUint16(17)).toBe(crc16(bytes.subarray(0, 17)));
  });

  it('checks with the standard CRC and hashes ids with FNV-1a', () => {
    // Check values: the CRC catalogue's CRC-16/IBM-3740, and draft-eastlake-fnv's test vectors.
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
    expect(['', 'a', 'foobar'].map(prescriptionRef)).toEqual([0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
  });

  it('round-trips irrigation and nitrogen advice whole', () => {
    const waitForRain: FarmerAdvice = {
      ...IRRIGATE,
      decision: 'wait-for-rain',
      amountMm: 0,
      supply: null,
      dueDate: null,
    };
    const noData: FarmerAdvice = {
      ...FERTILISE,
      decision: 'insufficient-data',
      nKgHa: 0,
      product: null,
      supply: null,
    };
    for (const advice of [IRRIGATE, FERTILISE, waitForRain, noData])
      expect(decodeFarmerAdvice(encodeFarmerAdvice(advice))).toEqual(advice);
  });

  it('fits one global short message at the extremes, and round-trips them', () => {
    const largest: FarmerAdvice[] = [
      {
        ...IRRIGATE,
        fieldNumber: 65_535,
        amountMm: 6553.5,
        supply: { amount: 6553.5, unit: 'cans-20l' },
        dueDate: '2199-06-05',
        revision: 65_535,
        prescriptionRef: 0xffff_ffff,
      },
      {
        ...FERTILISE,
        fieldNumber: 1,
        nKgHa: 0,
        product: 'npk-20-05-20',
        supply: { amount: 0, unit: 'kg-product' },
        dueDate: '2020-01-01',
        revision: 0,
        prescriptionRef: 0,
      },
    ];
    for (const advice of largest) {
      const bytes = encodeFarmerAdvice(advice);
      expect(bytes.length).toBeLessThanOrEqual(70); // BDS-3 global short message: 560 bits
      expect(decodeFarmerAdvice(bytes)).toEqual(advice);
    }
  });

  it('round-trips any valid advice in 19 bytes (property)', () => {
    const tenths = fc.integer({ min: 0, max: 65_535 }).map((t) => t / 10);
    const common = {
      fieldNumber: fc.integer({ min: 1, max: 65_535 }),
      dueDate: fc.option(
        fc
          .integer({ min: 0, max: 65_534 })
          .map((d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10)),
      ),
      revision: fc.integer({ min: 0, max: 65_535 }),
      prescriptionRef: fc.integer({ min: 0, max: 0xffff_ffff }),
    };
    const irrigation = fc.record({
      ...common,
      kind: fc.constant('irrigation' as const),
      decision: fc.constantFrom('none', 'irrigate', 'wait-for-rain', 'insufficient-data'),
      amountMm: tenths,
      supply: fc.option(fc.record({ amount: tenths, unit: fc.constantFrom(...SUPPLY_UNITS) })),
    });
    const nitrogen = fc.record({
      ...common,
      kind: fc.constant('nitrogen' as const),
      decision: fc.constantFrom('none', 'fertilise', 'insufficient-data'),
      nKgHa: tenths,
      product: fc.option(fc.constantFrom(...ADVICE_PRODUCTS)),
      supply: fc.option(
        fc.record({ amount: tenths, unit: fc.constantFrom(...NITROGEN_SUPPLY_UNITS) }),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(irrigation, nitrogen), (advice) => {
        const bytes = encodeFarmerAdvice(advice);
        expect(bytes.length).toBe(19);
        expect(decodeFarmerAdvice(bytes)).toEqual(advice);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses to encode advice it could not carry faithfully', () => {
    const wrong: unknown[] = [
      { ...IRRIGATE, fieldNumber: 0 },
      { ...IRRIGATE, fieldNumber: 65_536 },
      { ...IRRIGATE, amountMm: 6553.6 },
      { ...IRRIGATE, amountMm: -1 },
      { ...IRRIGATE, amountMm: Number.NaN },
      { ...IRRIGATE, dueDate: '2019-12-31' },
      { ...IRRIGATE, dueDate: '2199-06-06' },
      { ...IRRIGATE, dueDate: '2026-02-30' },
      { ...IRRIGATE, supply: { amount: 2, unit: 'bags-50kg' } },
      { ...IRRIGATE, decision: 'fertilise' },
      { ...FERTILISE, product: 'guano' },
      { ...FERTILISE, revision: 1.5 },
      { ...FERTILISE, prescriptionRef: 2 ** 32 },
      { ...FERTILISE, kind: 'pest' },
    ];
    for (const advice of wrong)
      expect(invalidPayload(() => encodeFarmerAdvice(advice as FarmerAdvice))).toMatch(
        /^farmer advice: /,
      );
  });

  it('refuses truncated, padded, foreign and unknown-version messages, each saying which', () => {
    const bytes = encodeFarmerAdvice(IRRIGATE);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /empty message/],
      [bytes.subarray(0, 18), /truncated: 18 of 19 bytes/],
      [bytes.subarray(0, 1), /truncated: 1 of 19 bytes/],
      [Uint8Array.from([...bytes, 0]), /1 bytes after the message/],
      [resealed(bytes, (b) => void (b[0] = 0xa2)), /unknown version 2/],
      [
        encodeCompact([
          {
            deviceId: 'd',
            stream: 'soil',
            timeMs: Date.UTC(2026, 0, 1),
            seq: 0,
            values: { vwc10: 0.2 },
          },
        ]),
        /not farmer advice \(header 0x10\)/,
      ],
    ];
    for (const [message, error] of cases)
      expect(invalidPayload(() => decodeFarmerAdvice(message))).toMatch(error);
    // ...and the device decoder does not take farmer advice for readings either.
    expect(() => decodeCompact(bytes, 'd')).toThrow(/unknown compact header 0xa1/);
  });

  it('refuses every single-bit corruption', () => {
    const bytes = encodeFarmerAdvice(FERTILISE);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Uint8Array.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(invalidPayload(() => decodeFarmerAdvice(flipped))).toMatch(
        /corrupt: CRC|not farmer advice|unknown version/,
      );
    }
  });

  it('refuses well-sealed messages whose codes mean nothing', () => {
    const irrigation = encodeFarmerAdvice(IRRIGATE);
    const nitrogen = encodeFarmerAdvice(FERTILISE);
    const cases: [Uint8Array, RegExp][] = [
      [resealed(irrigation, (b) => void (b[1] = 0x31)), /unknown kind code 3/],
      [resealed(irrigation, (b) => void (b[1] = 0x14)), /unknown irrigation decision code 4/],
      [resealed(nitrogen, (b) => void (b[1] = 0x22)), /unknown nitrogen decision code 2/],
      [resealed(irrigation, (b) => void (b[6] = 0x09)), /unknown unit code 9/],
      [resealed(nitrogen, (b) => void (b[6] = 0x75)), /unknown product code 7/],
      [resealed(irrigation, (b) => void (b[6] = 0x11)), /a product on irrigation advice/],
      [resealed(irrigation, (b) => void (b[6] = 0x00)), /a supply amount without its unit/],
      [resealed(irrigation, (b) => void (b[6] = 0x05)), /supply\.unit/],
      [resealed(nitrogen, (b) => void (b[6] = 0x11)), /supply\.unit/],
      [resealed(irrigation, (b) => void b.set([0, 0], 2)), /fieldNumber/],
    ];
    for (const [message, error] of cases)
      expect(invalidPayload(() => decodeFarmerAdvice(message))).toMatch(error);
  });
});
