import { readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatGga, formatRmc, nmeaFrame } from '@shamba/schemas';
import { FAO56_EXAMPLE_17, FAO56_EXAMPLE_19_AFTERNOON } from '@shamba/schemas/testing';
import { runShamba } from './support/cli-process.js';
import { connectAsync } from 'mqtt';
import { startIngest } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

describe('shamba CLI', () => {
  it(
    'gnss parse: one JSON line per position sentence, errors by line number, other sentences with --all',
    { timeout: 30_000 },
    async () => {
      const fix = {
        talker: 'GB' as const,
        timeMs: Date.UTC(2026, 10, 28, 7, 55, 3, 500),
        latitudeDeg: -21.37,
        longitudeDeg: -45.51,
        fixQuality: 4,
        satellites: 21,
        hdop: 0.61,
        altitudeM: 905.25,
        geoidSeparationM: -6.5,
      };
      const input = [
        formatGga(fix), // before any RMC: time of day only
        formatRmc(fix),
        '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48',
        nmeaFrame('GBGSA,A,3,01,02,,,,,,,,,,,1.2,0.6,1.0,4'),
        '$GBGGA,0755',
        formatGga(fix),
      ].join('\r\n');
      const { code, stdout } = await runShamba(['gnss', 'parse'], input);
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual([
        {
          sentence: 'GGA',
          talker: 'GB',
          constellation: 'BeiDou',
          time: '07:55:03.500Z',
          latitudeDeg: -21.37,
          longitudeDeg: -45.51,
          fixQuality: 4,
          satellites: 21,
          hdop: 0.61,
          altitudeM: 905.25,
        },
        {
          sentence: 'RMC',
          talker: 'GB',
          constellation: 'BeiDou',
          time: '2026-11-28T07:55:03.500Z',
          latitudeDeg: -21.37,
          longitudeDeg: -45.51,
          fixQuality: 4,
          satellites: null,
          hdop: null,
          altitudeM: null,
        },
        { error: 'bad checksum: computed 47, sentence says 48', line: 3 },
        { error: 'no checksum (truncated?)', line: 5 },
        {
          sentence: 'GGA',
          talker: 'GB',
          constellation: 'BeiDou',
          time: '2026-11-28T07:55:03.500Z',
          latitudeDeg: -21.37,
          longitudeDeg: -45.51,
          fixQuality: 4,
          satellites: 21,
          hdop: 0.61,
          altitudeM: 905.25,
        },
      ]);
      const all = await runShamba(['gnss', 'parse', '--all'], input);
      expect(all.stdout).toContain('"sentence":"GSA"');
    },
  );

  it(
    'et0: FAO-56 Examples 17 and 19 on stdin, a bad element answered in place',
    { timeout: 30_000 },
    async () => {
      const brussels = FAO56_EXAMPLE_17;
      const ndiaye = FAO56_EXAMPLE_19_AFTERNOON;
      const single = await runShamba(['et0'], JSON.stringify(brussels));
      expect(single.code).toBe(0);
      const daily = JSON.parse(single.stdout) as { et0Mm: number; eaKPa: number };
      expect(daily.et0Mm).toBeCloseTo(3.9, 1);
      expect(daily.eaKPa).toBeCloseTo(1.409, 3);

      const batch = await runShamba(['et0'], JSON.stringify([ndiaye, { ...ndiaye, rhPct: 120 }]));
      expect(batch.code).toBe(1);
      const [hourly, bad] = JSON.parse(batch.stdout) as [
        { et0Mm: number },
        { error: { message: string } },
      ];
      expect(hourly.et0Mm).toBeCloseTo(0.63, 2);
      expect(bad.error.message).toMatch(/rhPct/);

      const notJson = await runShamba(['et0'], 'tMax=21');
      expect(notJson.code).toBe(1);
      expect(notJson.stderr).toMatch(/not JSON/);
    },
  );

  it(
    'degree-days: a day and an array on stdin, both methods and cutoffs, a bad day in place',
    { timeout: 30_000 },
    async () => {
      const day = { tMinC: 12, tMaxC: 26, lowerC: 10, upperC: 30, method: 'single-sine' };
      const single = await runShamba(['degree-days'], JSON.stringify(day));
      expect([single.code, JSON.parse(single.stdout)]).toEqual([0, { degreeDays: 9 }]);
      // A hot day above the upper threshold all day: U − L horizontally, nothing vertically.
      const hot = { tMinC: 34, tMaxC: 41, lowerC: 12, upperC: 33, method: 'single-triangle' };
      const batch = await runShamba(
        ['degree-days'],
        JSON.stringify([hot, { ...hot, cutoff: 'vertical' }, { ...hot, method: 'double-sine' }]),
      );
      expect(batch.code).toBe(1);
      const [horizontal, vertical, bad] = JSON.parse(batch.stdout) as [
        unknown,
        unknown,
        { error: { message: string } },
      ];
      expect([horizontal, vertical]).toEqual([{ degreeDays: 21 }, { degreeDays: 0 }]);
      expect(bad.error.message).toMatch(/^\[2\] .*method/s);
    },
  );

  it(
    'model train, list, promote: a versioned yield model on disk',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      const trained = await runShamba([
        'model',
        'train',
        '--data-dir',
        dir.path,
        '--seasons',
        '12',
        '--epochs',
        '40',
        '--seed',
        '5',
      ]);
      expect(trained.code, trained.stderr).toBe(0);
      const out = JSON.parse(trained.stdout) as {
        version: string;
        promoted: boolean;
        backend: string;
        data: { seasons: number; simulated: number };
        evaluation: {
          model: { rmseTHa: number; p10p90Coverage: number };
          fao33: { rmseTHa: number };
        };
      };
      expect(out.promoted).toBe(false);
      expect(['tensorflow', 'wasm', 'cpu']).toContain(out.backend);
      expect(out.data).toMatchObject({ seasons: 48, simulated: 48 });
      expect(out.evaluation.model.rmseTHa).toBeGreaterThan(0);
      expect(readdirSync(`${dir.path}/models/yield/${out.version}`).sort()).toEqual([
        'meta.json',
        'model.json',
        'weights.bin',
      ]);

      expect(
        (await runShamba(['model', 'promote', 'yield-none', '--data-dir', dir.path])).code,
      ).toBe(1);
      expect(
        (await runShamba(['model', 'promote', out.version, '--data-dir', dir.path])).code,
      ).toBe(0);
      const listed = await runShamba(['model', 'list', '--data-dir', dir.path]);
      expect(JSON.parse(listed.stdout)).toMatchObject({ version: out.version, promoted: true });
    },
  );

  it('sim render-scene writes the bands and the STAC item', { timeout: 30_000 }, async () => {
    using out = tempDir();
    const { code } = await runShamba([
      'sim',
      'render-scene',
      '--scenario',
      'minas-gerais-coffee',
      '--date',
      '2026-08-15',
      '--out',
      out.path,
    ]);
    expect(code).toBe(0);
    expect(readdirSync(out.path).sort()).toEqual(
      ['B04', 'B08', 'B11', 'B8A', 'SCL']
        .map((b) => `S2SIM_minas-gerais-coffee_20260815_${b}.tif`)
        .concat('S2SIM_minas-gerais-coffee_20260815.json')
        .sort(),
    );
  });

  it(
    'refuses a scenario file that does not hold together, saying why',
    { timeout: 30_000 },
    async () => {
      using dir = tempDir();
      const file = `${dir.path}/broken.json`;
      writeFileSync(file, JSON.stringify({ id: 'x', seed: 1 }));
      const { code, stderr } = await runShamba(['sim', '--scenario', file, '--ticks', '1']);
      expect(code).toBe(1);
      expect(stderr).toMatch(/invalid scenario/);
    },
  );

  it(
    'device add: provisions a device whose secret, shown once, opens the broker',
    { timeout: 30_000 },
    async () => {
      using dir = tempDir();
      const added = await runShamba([
        'device',
        'add',
        '--id',
        'probe-new',
        '--coop',
        'coop-test',
        '--field',
        'field-1',
        '--data-dir',
        dir.path,
      ]);
      expect(added.code).toBe(0);
      const { username, password } = JSON.parse(added.stdout) as {
        username: string;
        password: string;
      };
      expect(password).toMatch(/^[\w-]{43}$/);
      const listed = await runShamba(['device', 'list', '--data-dir', dir.path]);
      expect(JSON.parse(listed.stdout)).toEqual({
        id: 'probe-new',
        coopId: 'coop-test',
        fieldId: 'field-1',
        zoneId: null,
        kind: 'soil-probe',
      });
      expect(listed.stdout).not.toContain(password);
      await using ingest = await startIngest(dir.path);
      const client = await connectAsync(ingest.url, {
        protocolVersion: 4,
        clientId: username,
        username,
        password,
        reconnectPeriod: 0,
      });
      await client.endAsync();
      const bad = await runShamba([
        'device',
        'add',
        '--id',
        'Probe New',
        '--coop',
        'coop-test',
        '--data-dir',
        dir.path,
      ]);
      expect([bad.code, bad.stderr]).toEqual([
        1,
        expect.stringMatching(/invalid device: id: ids are/) as unknown,
      ]);
    },
  );
});
