import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { ShambaError } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from './archive-layout.js';
import { exportCoop } from './coop-export.js';
import { verifyExport } from './verify-export.js';

const T0 = Date.UTC(2026, 2, 1);
const FARMER = {
  id: 'farmer-1',
  coopId: 'coop-a',
  name: 'A',
  phone: '+254700000001',
  language: 'sw',
};

async function* once(bytes: Uint8Array) {
  yield bytes;
}

/** The archive with `change` applied to its files and the manifest's checksums made to match. */
function tampered(zip: Uint8Array, change: (files: Record<string, Uint8Array>) => void) {
  const files = unzipSync(zip);
  change(files);
  const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
  for (const entry of manifest.files) {
    const data = files[entry.path]!;
    entry.bytes = data.length;
    entry.sha256 = createHash('sha256').update(data).digest('hex');
  }
  files['manifest.json'] = strToU8(JSON.stringify(manifest));
  return zipSync(files);
}

describe('verifyExport', () => {
  let stores: TempStores;
  let zip: Uint8Array;
  beforeAll(async () => {
    stores = await openTempStores('shamba-verify-');
    await stores.registry.coops.upsert(coopFixture());
    await stores.registry.farmers.upsert(FARMER);
    await stores.registry.fields.upsert(fieldFixture());
    await stores.store.write(
      [0, 1, 2].map((i) => ({
        deviceId: 'wx-1',
        stream: 'weather' as const,
        timeMs: T0 + i * 900_000,
        seq: i,
        values: { airTempC: 20 + i, rhPct: 50 },
        coopId: 'coop-a',
        fieldId: null,
        zoneId: null,
        receivedMs: T0 + i * 900_000,
      })),
    );
    const chunks: Uint8Array[] = [];
    for await (const chunk of exportCoop({ ...stores, coopId: 'coop-a', clock: () => T0 }))
      chunks.push(chunk);
    zip = Buffer.concat(chunks);
  });
  afterAll(async () => {
    await stores.close();
  });

  it('gives back what was exported, with every file counted', async () => {
    const verified = await verifyExport(once(zip));
    expect(verified.coop).toEqual(coopFixture());
    expect(verified.farmers).toEqual([FARMER]);
    expect(verified.fields).toEqual([fieldFixture()]);
    expect(verified.records['readings/weather/2026-03.csv']).toBe(3);
    expect(verified.manifest.createdAt).toBe(new Date(T0).toISOString());
  });

  it('refuses a record its schema refuses, though every checksum matches', async () => {
    const bad = tampered(zip, (files) => {
      const csv = strFromU8(files['readings/weather/2026-03.csv']!);
      files['readings/weather/2026-03.csv'] = strToU8(csv.replace(',21,', ',warm,'));
    });
    await expect(verifyExport(once(bad))).rejects.toThrow(
      /^readings\/weather\/2026-03\.csv line 3: .*airTempC/s,
    );
  });

  it("refuses another cooperative's record and a file the manifest does not list", async () => {
    const foreign = tampered(zip, (files) => {
      const farmers = [{ ...FARMER, coopId: 'coop-b' }];
      files['farmers.json'] = strToU8(JSON.stringify(farmers));
    });
    await expect(verifyExport(once(foreign))).rejects.toThrow(
      new ShambaError('INVALID_PAYLOAD', 'farmers: a record of another cooperative than coop-a'),
    );
    const extra = unzipSync(zip);
    extra['notes.txt'] = strToU8('hello');
    await expect(verifyExport(once(zipSync(extra)))).rejects.toThrow(
      "notes.txt is not part of a cooperative's export",
    );
  });
});
