import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@shamba/api';
import { problem } from '@shamba/api/testing';
import { ManifestSchema, type Manifest } from '@shamba/delivery';
import type { Prescription } from '@shamba/schemas';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { runShamba } from './support/cli-process.js';
import {
  OTHER,
  advice,
  prescriptionPass,
  readingsOf,
  seedExportBox,
  storedPrescriptions,
} from './support/export-seed.js';
import { COOP, seedToken } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

// Issue 18, "The cooperative's data is its own": the export read back by independent readers
// (Info-ZIP's unzip, Python's zipfile, GDAL's ogrinfo), imported by `shamba import` into an empty
// box where the prescription pass gives the same prescriptions, and nothing of another
// cooperative in it.

const UNZIP = '/usr/bin/unzip';
const OGRINFO = '/usr/bin/ogrinfo';
const unzip = (...args: string[]) => execFileSync(UNZIP, args, { encoding: 'utf8' });

describe.runIf(existsSync(UNZIP) || process.env.CI)("a cooperative's export", () => {
  let stores: TempStores;
  let app: ReturnType<typeof createApp>;
  let nowMs: number;
  let original: Prescription[];
  let zipPath: string;
  let manifest: Manifest;
  const tokens: Record<string, string> = {};
  const work = tempDir('shamba-export-');

  beforeAll(async () => {
    stores = await openTempStores('shamba-export-box-');
    nowMs = await seedExportBox(stores.registry, stores.store);
    original = await prescriptionPass(stores, nowMs);
    app = createApp({ registry: stores.registry, store: stores.store, health: async () => ({}) });
    for (const [name, role, coopId, farmerId] of [
      ['manager', 'manager', COOP, null],
      ['agronomist', 'agronomist', COOP, null],
      ['farmer', 'farmer', COOP, 'f'],
      ['other-manager', 'manager', OTHER, null],
      ['admin', 'admin', null, null],
    ] as const)
      tokens[name] = await seedToken(stores.registry, { role, coopId, farmerId, name });
    const response = await app.request(`/v1/coops/${COOP}/export`, {
      headers: { authorization: `Bearer ${tokens.manager}` },
    });
    expect(response.status).toBe(200);
    zipPath = join(work.path, 'export.zip');
    writeFileSync(zipPath, Buffer.from(await response.arrayBuffer()));
    manifest = ManifestSchema.parse(JSON.parse(unzip('-p', zipPath, 'manifest.json')));
  }, 120_000);
  afterAll(async () => {
    await stores?.close();
    work[Symbol.dispose]();
  });

  it('is a zip attachment for managers and admins only; another cooperative is 404', async () => {
    const get = (token: string, coopId = COOP) =>
      app.request(`/v1/coops/${coopId}/export`, {
        headers: { authorization: `Bearer ${tokens[token]}` },
      });
    const admin = await get('admin');
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toBe('application/zip');
    expect(admin.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="coop-${COOP}-\\d{4}-\\d{2}-\\d{2}\\.zip"$`),
    );
    await admin.body?.cancel();
    expect(await (await get('agronomist')).json()).toEqual(
      problem('NOT_AUTHORIZED', 'this needs one of the roles: admin, manager'),
    );
    expect((await get('farmer')).status).toBe(403);
    const other = await get('other-manager');
    expect(other.status).toBe(404);
    expect((await get('manager', 'no-such-coop')).status).toBe(404);
    const own = await get('other-manager', OTHER);
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('lists every file in the manifest, each with a SHA-256 an independent reader agrees with', () => {
    const listed = unzip('-Z1', zipPath).trim().split('\n').sort();
    expect(listed).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
    expect(listed).toEqual(
      expect.arrayContaining([
        'coop.json',
        'farmers.json',
        'fields.geojson',
        'zones.geojson',
        'devices.json',
        'prescriptions.ndjson',
        'messages-outbox.ndjson',
        'weather-forecast.json',
        'parameter-sets.json',
        'readings/weather/2026-08.csv',
        'readings/soil/2026-08.csv',
      ]),
    );
    // Python's zipfile: another implementation of the format, and of SHA-256.
    const digests = JSON.parse(
      execFileSync('python3', [
        '-c',
        'import hashlib,json,sys,zipfile\n' +
          'z=zipfile.ZipFile(sys.argv[1])\n' +
          'print(json.dumps({n:[hashlib.sha256(z.read(n)).hexdigest(),len(z.read(n))] for n in z.namelist()}))',
        zipPath,
      ]).toString(),
    ) as Record<string, [string, number]>;
    for (const file of manifest.files)
      expect(digests[file.path]).toEqual([file.sha256, file.bytes]);
    expect(manifest).toMatchObject({
      format: 'shamba-coop-export',
      formatVersion: 1,
      coopId: COOP,
      software: 'shamba 0.1.0',
    });
  });

  it('holds every reading of the cooperative, in CSV a spreadsheet opens', async () => {
    const theirs = await readingsOf(stores.store, nowMs);
    const readingFiles = manifest.files.filter((f) => f.path.startsWith('readings/'));
    expect(readingFiles.reduce((n, f) => n + f.records, 0)).toBe(theirs.length);
    const soil = unzip('-p', zipPath, 'readings/soil/2026-08.csv').split('\r\n');
    expect(soil[0]).toBe(
      'time_utc,time_ms,device_id,seq,field_id,zone_id,received_ms,vwc10,vwc30,vwc60,soilTempC,ecDsM,batteryPct,other_values_json',
    );
    const first = theirs.find((r) => r.stream === 'soil')!;
    expect(soil[1]).toBe(
      `${new Date(first.timeMs).toISOString()},${first.timeMs},probe-1,0,field-1,zone-a,${first.receivedMs},0.2,0.22,,21.5,,,`,
    );
  });

  it.runIf(existsSync(OGRINFO) || process.env.CI)('has fields and zones GDAL reads', () => {
    for (const [name, count] of [
      ['fields.geojson', 2],
      ['zones.geojson', 2],
    ] as const) {
      const path = join(work.path, name);
      writeFileSync(path, unzip('-p', zipPath, name));
      const info = execFileSync(OGRINFO, ['-ro', '-al', '-so', path], { encoding: 'utf8' });
      expect(info).toContain(`Feature Count: ${count}`);
      expect(info).toContain('Geometry: Polygon');
    }
    const zones = JSON.parse(unzip('-p', zipPath, 'zones.geojson')) as {
      features: { properties: { fieldId: string; id: string } }[];
    };
    expect(zones.features.map((f) => [f.properties.fieldId, f.properties.id])).toEqual([
      ['field-1', 'zone-a'],
      ['field-1', 'zone-b'],
    ]);
  });

  it('holds nothing of another cooperative, and no device secret', () => {
    const text = unzip('-p', zipPath);
    for (const foreign of [OTHER, 'farmer-other', 'field-other', 'wx-other', '+251911999999'])
      expect(text).not.toContain(foreign);
    expect(text).not.toMatch(/secret|sha256\$/i);
    const devices = JSON.parse(unzip('-p', zipPath, 'devices.json')) as { id: string }[];
    expect(devices.map((d) => d.id).sort()).toEqual(['probe-1', 'wx']);
  });

  it(
    'imports into an empty box, where the prescription pass gives the same prescriptions',
    { timeout: 120_000 },
    async () => {
      expect(original.length).toBeGreaterThan(0);
      using box = tempDir('shamba-import-');
      const cli = join(work.path, 'cli-export.zip');
      const exported = await runShamba([
        'export',
        '--coop',
        COOP,
        '--out',
        cli,
        '--data-dir',
        stores.dir,
      ]);
      const readings = (await readingsOf(stores.store, nowMs)).length;
      const files = manifest.files.length + 1;
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(
        new RegExp(
          `^wrote ${cli} \\(${files} files; ${readings} readings, [\\d.]+ MB of CSV\\)\n$`,
        ),
      );
      const imported = await runShamba(['import', cli, '--data-dir', box.path]);
      expect(imported.stderr).toBe(
        `imported cooperative ${COOP}: 1 farmers, 2 fields, 2 devices, ` +
          `${(await storedPrescriptions(stores.registry)).length} prescriptions, 2 messages, ${readings} readings\n`,
      );
      expect(imported.code).toBe(0);
      // A new secret for each device, shown once.
      const secrets = imported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { deviceId: string; password: string });
      expect(secrets.map((s) => s.deviceId).sort()).toEqual(['probe-1', 'wx']);
      expect(secrets.every((s) => s.password.length === 43)).toBe(true);

      const registry = await createSqliteRegistry({ path: join(box.path, 'registry.sqlite') });
      const store = await createSqliteTimeSeriesStore({
        path: join(box.path, 'timeseries.sqlite'),
      });
      try {
        expect(await registry.coops.list()).toEqual([await stores.registry.coops.get(COOP)]);
        expect(await registry.fields.list({})).toEqual(
          await stores.registry.fields.list({ coopId: COOP }),
        );
        expect(await registry.fertiliserApplications.list('field-1')).toEqual(
          await stores.registry.fertiliserApplications.list('field-1'),
        );
        expect(await readingsOf(store, nowMs)).toEqual(await readingsOf(stores.store, nowMs));
        expect(await registry.messages.list({ coopId: COOP })).toEqual(
          await stores.registry.messages.list({ coopId: COOP }),
        );
        expect(await registry.inbound.list({ coopId: COOP })).toEqual(
          await stores.registry.inbound.list({ coopId: COOP }),
        );
        expect(await registry.parameterSets.list(COOP)).toEqual(
          await stores.registry.parameterSets.list(COOP),
        );
        expect(await storedPrescriptions(registry)).toEqual(
          await storedPrescriptions(stores.registry),
        );
        // The same pass on both boxes, every field made again: the same prescriptions, whole
        // (ids, revisions, amounts, steps), and the same advice as the original pass gave.
        const fields = ['field-1', 'field-2'];
        const there = await prescriptionPass({ registry, store }, nowMs, fields);
        const here = await prescriptionPass(stores, nowMs, fields);
        expect(there).toEqual(here);
        expect(there.length).toBeGreaterThanOrEqual(2);
        expect(there.map(advice)).toEqual(
          original.filter((p) => fields.includes(p.fieldId)).map(advice),
        );
        // Into a box that has the cooperative: refused, nothing written.
        const twice = await runShamba(['import', cli, '--data-dir', box.path]);
        expect(twice.code).toBe(1);
        expect(twice.stderr).toContain(`this box already has cooperative ${COOP}`);
      } finally {
        await store.close();
        await registry.close();
      }
    },
  );

  it('refuses an archive whose file does not match its checksum, writing nothing', async () => {
    using box = tempDir('shamba-import-bad-');
    const bad = join(work.path, 'tampered.zip');
    // Python rewrites one file (a farmer's phone changed), keeping the manifest as it was.
    execFileSync('python3', [
      '-c',
      'import sys,zipfile\n' +
        'src=zipfile.ZipFile(sys.argv[1]); dst=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)\n' +
        'for n in src.namelist():\n' +
        '  d=src.read(n)\n' +
        '  dst.writestr(n, d.replace(b"+251911000001", b"+251911000002") if n=="farmers.json" else d)\n' +
        'dst.close()',
      zipPath,
      bad,
    ]);
    expect(readFileSync(bad).length).toBeGreaterThan(0);
    const refused = await runShamba(['import', bad, '--data-dir', box.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'farmers.json: its SHA-256 or size does not match the manifest',
    );
    const registry = await createSqliteRegistry({ path: join(box.path, 'registry.sqlite') });
    expect(await registry.coops.list()).toEqual([]);
    await registry.close();
  });
});
