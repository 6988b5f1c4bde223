import { parseNmea, type GgaSentence, type GsaSentence } from '@shamba/schemas';
import { describe, expect, it } from 'vitest';
import { rng } from '@shamba/world';
import { BDT_MINUS_UTC_S, GPST_MINUS_BDT_S, bdtToUtcMs, gnssEpoch } from './gnss-receiver.js';

const truth = { latitudeDeg: 7.93, longitudeDeg: 38.72, altitudeM: 1640 };
const T = Date.UTC(2026, 10, 28, 8, 0, 0);
const epoch = { timeMs: T, truth, geoidSeparationM: -1.9 };
const parse = (lines: string[]) =>
  lines.map((l) => {
    const r = parseNmea(l);
    if (!r.ok) throw new Error(`${l}: ${r.error}`);
    return r.sentence;
  });

describe('simulated BeiDou receiver', () => {
  it('emits a parseable epoch with the NMEA 4.10 BeiDou system id', () => {
    const sentences = parse(gnssEpoch(epoch, { talker: 'GN', rtk: false }, rng(1)));
    expect(sentences.map((s) => s.type)).toEqual(
      expect.arrayContaining(['GGA', 'RMC', 'GSA', 'GSV']),
    );
    const gsa = sentences.filter((s): s is GsaSentence => s.type === 'GSA');
    expect(gsa.map((s) => s.systemId)).toEqual([4, 1]); // BeiDou, then GPS
    const gga = sentences.find((s): s is GgaSentence => s.type === 'GGA')!;
    expect([gga.fixQuality, gga.timeOfDayS]).toEqual([1, 8 * 3600]);
    // Stand-alone: metres of error, not kilometres.
    expect(Math.abs(gga.latitudeDeg! - truth.latitudeDeg) * 111_320).toBeLessThan(10);
  });

  it('reports RTK fixed or float to centimetres or decimetres', () => {
    const ggas = Array.from({ length: 200 }, (_, i) =>
      parse(gnssEpoch(epoch, { talker: 'GB', rtk: true }, rng(i))).find(
        (s): s is GgaSentence => s.type === 'GGA',
      )!,
    );
    const fixed = ggas.filter((g) => g.fixQuality === 4);
    expect(ggas.every((g) => g.fixQuality === 4 || g.fixQuality === 5)).toBe(true);
    expect(fixed.length).toBeGreaterThan(170);
    for (const g of fixed)
      expect(Math.abs(g.latitudeDeg! - truth.latitudeDeg) * 111_320).toBeLessThan(0.1);
  });

  it('speaks the legacy BD talker without NMEA 4.10 fields', () => {
    const sentences = parse(gnssEpoch(epoch, { talker: 'BD', rtk: false }, rng(3)));
    expect(sentences.every((s) => s.type === 'other' || ('talker' in s && s.talker === 'BD'))).toBe(
      true,
    );
    expect(sentences.find((s): s is GsaSentence => s.type === 'GSA')?.systemId).toBeNull();
  });
});

describe('BeiDou time', () => {
  it('is UTC + 4 s and GPS time - 14 s since 2017', () => {
    expect([BDT_MINUS_UTC_S, GPST_MINUS_BDT_S, BDT_MINUS_UTC_S + GPST_MINUS_BDT_S]).toEqual([
      4, 14, 18,
    ]);
    expect(bdtToUtcMs(Date.UTC(2026, 10, 28, 8, 0, 4))).toBe(Date.UTC(2026, 10, 28, 8, 0, 0));
  });
});
