import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGga, formatGsa, formatGsv, formatRmc } from './format.js';
import { parseNmea, type GgaSentence, type RmcSentence } from './parse.js';
import { checksum, frame } from './sentence.js';

const ok = (line: string) => {
  const result = parseNmea(line);
  if (!result.ok) throw new Error(result.error);
  return result.sentence;
};

describe('NMEA 0183 parser', () => {
  it('reads the reference GGA and RMC (NMEA 0183 examples, with their published checksums)', () => {
    expect(checksum('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toBe('47');
    expect(ok('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n')).toEqual({
      type: 'GGA',
      talker: 'GP',
      constellation: 'GPS',
      timeOfDayS: 12 * 3600 + 35 * 60 + 19,
      latitudeDeg: 48 + 7.038 / 60,
      longitudeDeg: 11 + 31 / 60,
      fixQuality: 1,
      satellites: 8,
      hdop: 0.9,
      altitudeM: 545.4,
      geoidSeparationM: 46.9,
      correctionAgeS: null,
    });
    const rmc = ok(
      '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A',
    ) as RmcSentence;
    expect([
      rmc.dateMs,
      rmc.valid,
      rmc.speedKnots,
      rmc.courseDeg,
      rmc.mode,
      rmc.fixQuality,
    ]).toEqual([Date.UTC(1994, 2, 23), true, 22.4, 84.4, null, 1]);
  });

  it('reads BeiDou talkers the way multi-GNSS receivers emit them', () => {
    // A dual-frequency RTK receiver south of the equator and west of Greenwich, RTK fixed (4),
    // correction age 1.0 s, base station 0031; a NMEA 4.10 GSA with system id 4 (BeiDou).
    const gga = ok(
      frame('GNGGA,083015.00,2130.12345,S,04530.54321,W,4,24,0.62,912.35,M,-6.12,M,1.0,0031'),
    ) as GgaSentence;
    expect([
      gga.talker,
      gga.constellation,
      gga.fixQuality,
      gga.satellites,
      gga.hdop,
      gga.correctionAgeS,
    ]).toEqual(['GN', 'multi-GNSS', 4, 24, 0.62, 1]);
    expect(gga.latitudeDeg).toBeCloseTo(-(21 + 30.12345 / 60), 9);
    expect(gga.longitudeDeg).toBeCloseTo(-(45 + 30.54321 / 60), 9);
    expect(ok(frame('GNGSA,A,3,01,02,05,07,,,,,,,,,1.20,0.62,1.03,4'))).toMatchObject({
      type: 'GSA',
      constellation: 'BeiDou',
      satelliteIds: [1, 2, 5, 7],
      systemId: 4,
    });
    expect(ok(frame('BDGSA,A,3,01,02,05,07,,,,,,,,,1.20,0.62,1.03'))).toMatchObject({
      talker: 'BD',
      constellation: 'BeiDou',
      systemId: null,
    });
    expect(
      ok(frame('GBGSV,3,1,10,01,45,123,44,02,38,231,41,05,20,301,,07,66,045,47,1')),
    ).toMatchObject({
      type: 'GSV',
      constellation: 'BeiDou',
      totalMessages: 3,
      satellitesInView: 10,
      satellites: [
        { prn: 1, elevationDeg: 45, azimuthDeg: 123, snrDbHz: 44 },
        { prn: 2, elevationDeg: 38, azimuthDeg: 231, snrDbHz: 41 },
        { prn: 5, elevationDeg: 20, azimuthDeg: 301, snrDbHz: null },
        { prn: 7, elevationDeg: 66, azimuthDeg: 45, snrDbHz: 47 },
      ],
      signalId: '1',
    });
  });

  it('gives no position without a fix, and tolerates empty and extra fields', () => {
    expect(ok(frame('GBGGA,235959.00,,,,,0,00,99.99,,,,,,'))).toMatchObject({
      fixQuality: 0,
      latitudeDeg: null,
      longitudeDeg: null,
      hdop: 99.99,
    });
    expect(ok(frame('GNRMC,000001.00,V,,,,,,,010126,,,N,V'))).toMatchObject({
      valid: false,
      latitudeDeg: null,
      fixQuality: 0,
      mode: 'N',
    });
    // Noise before the `$`, lowercase checksum, trailing vendor fields.
    const line = `\u0000\u00ff${frame('GNGGA,083015.00,0755.80000,N,03843.20000,E,5,18,0.8,1640.1,M,-1.2,M,2.0,0031,EXTRA,1')}`;
    expect(
      ok('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6a'),
    ).toMatchObject({ type: 'RMC' });
    expect(ok(line)).toMatchObject({ fixQuality: 5, altitudeM: 1640.1 });
  });

  it.each([
    [
      '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48',
      /bad checksum: computed 47, sentence says 48/,
    ],
    ['$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46', /no checksum/],
    ['GPGGA,123519', /no "\$"/],
    [frame('GPGGA,123519,4807.038,N'), /truncated GGA/],
    [frame('GPGGA,123519,9907.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'), /no valid position/],
    [frame('GPGGA,126519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,'), /time/],
    [frame('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,310294,003.1,W'), /date/],
    [`$${'GPTXT,'.padEnd(300, 'x')}*00`, /longer than 256/],
  ])('refuses %j', (line, error) => {
    const result = parseNmea(line);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(error);
  });

  it("parses back what it formats, to the formatter's precision", () => {
    const fix = fc.record({
      talker: fc.constantFrom('GB' as const, 'GN' as const, 'BD' as const),
      timeMs: fc
        .integer({ min: Date.UTC(2021, 0, 1), max: Date.UTC(2040, 0, 1) })
        .map((t) => Math.floor(t / 10) * 10),
      latitudeDeg: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
      longitudeDeg: fc.double({ min: -179.9, max: 179.9, noNaN: true }),
      fixQuality: fc.constantFrom(1, 2, 4, 5),
      satellites: fc.integer({ min: 4, max: 40 }),
      hdop: fc.integer({ min: 40, max: 500 }).map((h) => h / 100),
      altitudeM: fc.integer({ min: -400_00, max: 8000_00 }).map((a) => a / 100),
      geoidSeparationM: fc.integer({ min: -100_00, max: 80_00 }).map((g) => g / 100),
    });
    fc.assert(
      fc.property(fix, (f) => {
        const gga = ok(formatGga(f)) as GgaSentence;
        const rmc = ok(formatRmc(f)) as RmcSentence;
        // Five decimals of arc-minutes: within 1e-5/60 degrees (2 cm).
        expect(Math.abs(gga.latitudeDeg! - f.latitudeDeg)).toBeLessThan(1e-5 / 60 + 1e-12);
        expect(Math.abs(gga.longitudeDeg! - f.longitudeDeg)).toBeLessThan(1e-5 / 60 + 1e-12);
        expect([
          gga.fixQuality,
          gga.satellites,
          gga.hdop,
          gga.altitudeM,
          gga.geoidSeparationM,
        ]).toEqual([f.fixQuality, f.satellites, f.hdop, f.altitudeM, f.geoidSeparationM]);
        expect(rmc.dateMs! + rmc.timeOfDayS! * 1000).toBeCloseTo(f.timeMs, 6);
        expect(rmc.fixQuality).toBe(f.fixQuality);
      }),
    );
  });

  it('formats GSA and GSV that parse back', () => {
    expect(
      ok(
        formatGsa({
          talker: 'GN',
          fixType: 3,
          satelliteIds: [6, 9, 14],
          pdop: 1.5,
          hdop: 0.8,
          vdop: 1.2,
          systemId: 4,
        }),
      ),
    ).toMatchObject({
      satelliteIds: [6, 9, 14],
      systemId: 4,
      constellation: 'BeiDou',
    });
    const sats = Array.from({ length: 9 }, (_, i) => ({
      prn: i + 1,
      elevationDeg: 10 + i,
      azimuthDeg: 40 * i,
      snrDbHz: 30 + i,
    }));
    const lines = formatGsv({ talker: 'GB', satellites: sats, signalId: '1' });
    expect(lines).toHaveLength(3);
    expect(lines.flatMap((l) => (ok(l) as { satellites: unknown[] }).satellites)).toEqual(sats);
  });
});
