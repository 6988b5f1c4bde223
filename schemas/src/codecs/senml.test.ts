import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '../errors/shamba-error.js';
import type { Reading } from '../readings/reading.js';
import { SenmlPackSchema, decodeSenml, encodeSenml, isSenmlPack } from './senml.js';

const context = { deviceId: 'soil-1', stream: 'soil' } as const;
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('SenML codec', () => {
  it('decodes a pack with base name, base time and SI units into canonical units', () => {
    const pack = [
      { bn: 'soil-1:', bt: 1_764_316_800, n: 'seq', u: 'count', v: 42 },
      { n: 'vwc10', u: '/', v: 0.231 },
      { n: 'ecDsM', u: 'S/m', v: 0.045 },
      { n: 'seq', u: 'count', v: 43, t: 900 },
      { n: 'vwc10', u: '/', v: 0.229, t: 900 },
    ];
    expect(decodeSenml(bytes(pack), context)).toEqual([
      {
        deviceId: 'soil-1',
        stream: 'soil',
        timeMs: 1_764_316_800_000,
        seq: 42,
        values: { vwc10: 0.231, ecDsM: 0.45 },
      },
      {
        deviceId: 'soil-1',
        stream: 'soil',
        timeMs: 1_764_317_700_000,
        seq: 43,
        values: { vwc10: 0.229 },
      },
    ]);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{"bn":'), /not UTF-8 JSON/],
    ['invalid UTF-8', Uint8Array.of(0x5b, 0xff, 0x5d), /not UTF-8 JSON/],
    ['an object, not a pack', bytes({ n: 'vwc10', v: 1 }), /not a SenML pack/],
    [
      'a string value',
      bytes([
        { bn: 'soil-1:', bt: 1.7e9, n: 'seq', v: 1 },
        { n: 'vwc10', vs: 'wet' },
      ]),
      /not a SenML pack/,
    ],
    [
      'another device',
      bytes([{ bn: 'soil-2:', bt: 1.7e9, n: 'seq', v: 1 }]),
      /not under "soil-1:"/,
    ],
    ['no seq', bytes([{ bn: 'soil-1:', bt: 1.7e9, n: 'vwc10', u: '/', v: 0.2 }]), /no seq record/],
    ['a relative time', bytes([{ bn: 'soil-1:', bt: 5, n: 'seq', v: 1 }]), /relative time/],
    [
      'a wrong unit',
      bytes([
        { bn: 'soil-1:', bt: 1.7e9, n: 'seq', v: 1 },
        { n: 'vwc10', u: '%RH', v: 20 },
      ]),
      /must be in "\/"/,
    ],
    [
      'an unknown quantity',
      bytes([
        { bn: 'soil-1:', bt: 1.7e9, n: 'seq', v: 1 },
        { n: 'rpm', v: 1 },
      ]),
      /unknown quantity "rpm"/,
    ],
    ['a negative seq', bytes([{ bn: 'soil-1:', bt: 1.7e9, n: 'seq', v: -1 }]), /seq/],
  ])('rejects %s with INVALID_PAYLOAD', (_label, payload, message) => {
    let error: unknown;
    try {
      decodeSenml(payload, context);
    } catch (caught) {
      error = caught;
    }
    expect(isShambaError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('round-trips any batch of soil readings', () => {
    const reading = fc.record({
      timeMs: fc.integer({ min: Date.UTC(2021, 0, 1), max: Date.UTC(2035, 0, 1) }),
      seq: fc.integer({ min: 0, max: 0xffff_ffff }),
      // Sensor resolution: VWC to 0.0001 m3/m3, EC to 0.001 dS/m (finer than any field probe).
      vwc10: fc.integer({ min: 0, max: 10_000 }).map((v) => v / 10_000),
      ecDsM: fc.integer({ min: 0, max: 50_000 }).map((v) => v / 1000),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(reading, { minLength: 1, maxLength: 20, selector: (r) => r.timeMs }),
        (samples) => {
          const readings: Reading[] = samples.map((s) => ({
            deviceId: 'soil-1',
            stream: 'soil',
            timeMs: s.timeMs,
            seq: s.seq,
            values: { vwc10: s.vwc10, ecDsM: s.ecDsM },
          }));
          const decoded = decodeSenml(encodeSenml(readings), context);
          expect(decoded).toEqual([...readings].sort((a, b) => a.timeMs - b.timeMs));
        },
      ),
    );
  });
});

describe('isSenmlPack (the hot path check)', () => {
  // Values on both sides of every rule: lengths at the limits, non-finite and non-integer
  // numbers, nulls, nested objects, and members the schema does not know.
  const edgeString = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.nat({ max: 3 }).map((d) => 'x'.repeat(16 + d - 1)),
    fc.nat({ max: 3 }).map((d) => 'x'.repeat(64 + d - 1)),
    fc.nat({ max: 3 }).map((d) => 'x'.repeat(128 + d - 1)),
  );
  const edgeNumber = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 2 ** 53 - 1, 1.5),
  );
  const member = fc.oneof(edgeString, edgeNumber, fc.constant(null), fc.boolean(), fc.constant({}));
  const key = fc.constantFrom('bn', 'bt', 'bu', 'bver', 'n', 'u', 'v', 't', 'vs', 'x', '__proto__');
  const valid = fc.constant([
    { bn: 'soil-1:', bt: 1_764_316_800, bver: 10, n: 'seq', u: 'count', v: 1 },
    { n: 'vwc10', u: '/', v: 0.2, t: 900 },
  ]);
  // A valid pack with one member of one record changed (or added), so each rule is tried alone.
  const pack = fc.oneof(
    { weight: 1, arbitrary: valid },
    {
      weight: 8,
      arbitrary: fc
        .tuple(valid, fc.nat({ max: 1 }), key, member)
        .map(([records, i, k, value]) =>
          records.map((r, j) =>
            j === i ? (JSON.parse(JSON.stringify({ ...r, [k]: value }) ?? 'null') as unknown) : r,
          ),
        ),
    },
    {
      weight: 2,
      arbitrary: fc.array(fc.dictionary(key, member, { maxKeys: 5 }), { maxLength: 3 }),
    },
    { weight: 1, arbitrary: fc.anything() },
  );

  it('accepts exactly what the zod schema accepts', () => {
    fc.assert(
      fc.property(pack, (value) => {
        expect(isSenmlPack(value)).toBe(SenmlPackSchema.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts what the schema accepts after a JSON round trip (what the broker sees)', () => {
    fc.assert(
      fc.property(pack, (value) => {
        const json: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
        expect(isSenmlPack(json)).toBe(SenmlPackSchema.safeParse(json).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('bounds the pack at 1..MAX_SENML_RECORDS records', () => {
    expect(isSenmlPack([])).toBe(false);
    expect(isSenmlPack(Array.from({ length: 512 }, () => ({ n: 'seq', v: 1 })))).toBe(true);
    expect(isSenmlPack(Array.from({ length: 513 }, () => ({ n: 'seq', v: 1 })))).toBe(false);
  });
});
