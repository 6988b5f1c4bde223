import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WATER_BALANCE_RULE } from '@shamba/analytics';
import { seedScenario, type Shamba } from '@shamba/cli';
import { OROMIA_DEMO, createWorld, renderScene, writeScene, type Scenario } from '@shamba/world';
import { DAY_MS, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, stationDay } from '@shamba/schemas/testing';
import { startShamba } from './support/seed.js';
import { writeLoopingIfdScene } from './support/hostile-scene.js';
import { tempDir } from './support/temp-dir.js';
import { jobAnswer } from '@shamba/api/testing';

const EAT_MIN = 180;
/** The readings' time; every scene is acquired before it. */
const T0 = Date.UTC(2026, 10, 20, 6);
const A = OROMIA_DEMO.coop.id;
const B = 'coop-b';
const almaz = OROMIA_DEMO.fields.find((f) => f.id === 'field-almaz-maize')!;
const device = (id: string) => OROMIA_DEMO.devices.find((d) => d.id === id)!;
/** Cooperative B: one field on the very land of A's field-almaz-maize, a probe and a station. */
const COOP_B: Scenario = {
  ...OROMIA_DEMO,
  coop: { ...OROMIA_DEMO.coop, id: B, name: 'Cooperative B' },
  farmers: [{ ...OROMIA_DEMO.farmers[0]!, id: 'farmer-b', coopId: B, phone: '+251911239999' }],
  fields: [{ ...almaz, id: 'field-b', farmerId: 'farmer-b' }],
  devices: [
    { ...device('probe-3-1'), id: 'probe-b', fieldId: 'field-b' },
    { ...device('wx-3'), id: 'wx-b', fieldId: 'field-b' },
  ],
};

/** A week of dry-season station days before T0, and one probe reading at T0. */
async function seedReadings(shamba: Shamba, coopId: string, fieldId: string, ids: string[]) {
  const [probe, station] = ids as [string, string];
  const readings: StoredReading[] = [];
  for (let d = 7; d >= 1; d--) {
    const date = new Date(T0 - d * DAY_MS).toISOString().slice(0, 10);
    for (const r of stationDay(station, date, DRY_SEASON_DAY, {
      utcOffsetMinutes: EAT_MIN,
      seqStart: d * 96,
    }))
      readings.push({ ...r, coopId, fieldId, zoneId: null, receivedMs: r.timeMs });
  }
  readings.push({
    deviceId: probe,
    stream: 'soil',
    timeMs: T0,
    seq: 1,
    values: { vwc10: 0.2, vwc30: 0.22, vwc60: 0.24 },
    coopId,
    fieldId,
    zoneId: null,
    receivedMs: T0,
  });
  await shamba.store.write(readings);
}

// Issue 13, cases 2 and 3: cooperative B's manager uploads fabricated scenes over cooperative
// A's land (one under the id of the operator's real scene); a poison item lies in the watch
// folder. A sees only its own and the shared scenes, B its own; the poison is quarantined once.
describe('scenes belong to a cooperative; a poison scene is quarantined, never retried', () => {
  it(
    "keeps B's uploads out of A's images, indices and prescriptions; quarantines poison across restarts",
    { timeout: 240_000 },
    async () => {
      using dir = tempDir();
      const scenesDir = join(dir.path, 'scenes');
      const dataDir = join(dir.path, 'data');
      const start = () => startShamba(dataDir, { scenesDir });
      let shamba = await start();
      try {
        const a = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: T0 - 30 * DAY_MS });
        // Seeding B renews the demo admin token (revoking A's copy): B's is the admin's.
        const b = await seedScenario(shamba.registry, COOP_B, { atMs: T0 - 30 * DAY_MS });
        const api = (path: string, token: string, init: RequestInit = {}) =>
          fetch(`${shamba.api.url}${path}`, {
            ...init,
            headers: { authorization: `Bearer ${token}`, ...init.headers },
          });
        const json = async <T>(response: Response | Promise<Response>) =>
          (await (await response).json()) as T;

        // The scenes: the operator's real one (S), and B's fabrications, newer: F1 under S's id.
        const world = createWorld(OROMIA_DEMO, T0 - 10 * DAY_MS);
        const render = (atMs: number, seed: number) => {
          world.advanceTo(atMs);
          return renderScene(OROMIA_DEMO, world, { seed });
        };
        const S = render(T0 - 6 * DAY_MS, 4);
        const F1 = { ...render(T0 - 4 * DAY_MS, 4), id: S.id };
        const F2 = render(T0 - 2 * DAY_MS, 4);
        const future = { ...F2, id: 'S2-FUTURE', acquiredMs: Date.now() + 2 * DAY_MS };
        const upload = async (scene: typeof S, token: string) => {
          const folder = join(dir.path, 'laptop', `${scene.id}-${scene.acquiredMs}`);
          writeScene(scene, folder);
          const form = new FormData();
          for (const name of readdirSync(folder))
            form.append('file', new Blob([readFileSync(join(folder, name))]), name);
          const response = await api('/v1/scenes/upload', token, { method: 'POST', body: form });
          // Received, the registration is a job (202), followed to its end.
          const [status, body] = await jobAnswer((path) => api(path, token), response);
          return { status, body };
        };

        // B squats S's id before the operator's scene arrives, and uploads a newer scene.
        expect(await upload(F1, b.tokens.manager)).toMatchObject({
          status: 'succeeded',
          body: { sceneId: S.id, outcome: 'processed' },
        });
        expect(await upload(F2, b.tokens.manager)).toMatchObject({
          status: 'succeeded',
          body: { sceneId: F2.id, outcome: 'processed' },
        });
        // An acquisition time past the box's clock is refused, and nothing is kept.
        expect(await upload(future, b.tokens.manager)).toMatchObject({
          status: 422,
          body: { code: 'RASTER_INVALID' },
        });
        expect(readdirSync(join(scenesDir, '.uploads', B))).toHaveLength(2);
        // Uploads are not where the shared scan looks.
        expect(readdirSync(scenesDir).filter((n) => !n.startsWith('.'))).toEqual([]);

        // The watch folder: S, and poison: an item that is not one, a band that fails the TIFF
        // guard (a looping IFD chain), an item too large, a stray file, a link out of the folder.
        writeScene(S, join(scenesDir, S.id));
        mkdirSync(join(scenesDir, 'not-an-item'));
        writeFileSync(join(scenesDir, 'not-an-item', 'item.json'), '{"type": "Feature", "id": ');
        writeLoopingIfdScene(join(scenesDir, 'hostile'), {
          id: 'hostile',
          datetime: new Date(T0 - 3 * DAY_MS).toISOString(),
        });
        // A JSON array of 3 MiB: past the 1 MiB item cap, refused before anything parses it.
        mkdirSync(join(scenesDir, 'big'));
        writeFileSync(join(scenesDir, 'big', 'item.json'), `[${'0,'.repeat(3 * 2 ** 19)}0]`);
        copyFileSync(join(scenesDir, 'hostile', 'B04.tif'), join(scenesDir, 'stray.tif'));
        symlinkSync(dataDir, join(scenesDir, 'elsewhere'));
        const rssBefore = process.memoryUsage().rss;
        // S is read although B holds a scene by its id: ids are unique per owner.
        expect(await shamba.scenes.runOnce()).toBe(1);

        // A: only the shared scene, wherever a scene is picked for its fields.
        const indices = (token: string, field: string) =>
          json<{ scenes: { sceneId: string; acquired: string }[] }>(
            api(`/v1/fields/${field}/indices`, token),
          ).then((r) => r.scenes.map((s) => [s.sceneId, s.acquired]));
        const iso = (ms: number) => new Date(ms).toISOString();
        expect(await indices(a.tokens.manager, 'field-almaz-maize')).toEqual([
          [S.id, iso(S.acquiredMs)],
        ]);
        const png = async (path: string, token: string) => {
          const response = await api(path, token);
          await response.arrayBuffer();
          return [response.status, response.headers.get('x-scene-id')];
        };
        expect(await png('/v1/fields/field-almaz-maize/ndvi.png', a.tokens.manager)).toEqual([
          200,
          S.id,
        ]);
        expect(await png(`/v1/coops/${A}/ndvi.png`, a.tokens.manager)).toEqual([200, S.id]);
        expect(
          await png(`/v1/fields/field-almaz-maize/ndvi.png?scene=${F2.id}`, a.tokens.manager),
        ).toEqual([404, null]);
        // B: its own and the shared one; its newest is its own.
        expect(await indices(b.tokens.manager, 'field-b')).toEqual([
          [S.id, iso(S.acquiredMs)],
          [S.id, iso(F1.acquiredMs)],
          [F2.id, iso(F2.acquiredMs)],
        ]);
        expect(await png('/v1/fields/field-b/ndvi.png', b.tokens.manager)).toEqual([200, F2.id]);
        expect(await png(`/v1/coops/${B}/ndvi.png`, b.tokens.manager)).toEqual([200, F2.id]);
        // The scene lists: the caller's visible scenes; the admin's all, with their owners.
        const list = (token: string) =>
          json<{ scenes: { id: string; ownerCoopId: string | null }[] }>(
            api('/v1/scenes', token),
          ).then((r) => r.scenes.map((s) => [s.id, s.ownerCoopId]));
        expect(await list(a.tokens.agronomist)).toEqual([[S.id, null]]);
        const all = [
          [S.id, null],
          [S.id, B],
          [F2.id, B],
        ];
        expect(await list(b.tokens.manager)).toEqual(all);
        expect(await list(b.tokens.admin)).toEqual(all);

        // The next prescriptions: A's from the shared scene, B's from its own newest.
        await seedReadings(shamba, A, 'field-almaz-maize', ['probe-3-1', 'wx-3']);
        await seedReadings(shamba, B, 'field-b', ['probe-b', 'wx-b']);
        await shamba.prescriptions.runOnce();
        await shamba.prescriptions.runOnce();
        const used = async (field: string) => {
          const p = await shamba.registry.prescriptions.latest(field, 'irrigation');
          return [p?.provenance.rule.name, p?.provenance.sceneId];
        };
        expect([await used('field-almaz-maize'), await used('field-b')]).toEqual([
          [WATER_BALANCE_RULE.name, S.id],
          [WATER_BALANCE_RULE.name, F2.id],
        ]);

        // B's ids do not block A (ids are unique per owner): A registers its own copy of S under
        // F2's id; B holding S's id changed nothing for the shared scene (read above).
        expect(await upload({ ...S, id: F2.id }, a.tokens.agronomist)).toMatchObject({
          status: 'succeeded',
          body: { sceneId: F2.id, outcome: 'processed' },
        });
        const seenByA = [
          [S.id, null],
          [F2.id, A],
        ];
        expect(await list(a.tokens.manager)).toEqual(seenByA);
        expect(await list(b.tokens.manager)).toEqual(all);

        // The poison: quarantined once, listed for staff (no server path), files moved aside.
        const quarantine = (token: string) =>
          json<{ quarantined: { name: string; code: string; reason: string }[] }>(
            api('/v1/scenes/quarantine', token),
          ).then((r) => r.quarantined);
        const listed = await quarantine(a.tokens.manager);
        expect(listed.map((q) => [q.name, q.code])).toEqual([
          ['not-an-item/item.json', 'RASTER_INVALID'],
          ['hostile/item.json', 'RASTER_INVALID'],
          ['big/item.json', 'RASTER_INVALID'],
        ]);
        for (const q of listed) expect(q.reason).not.toContain(dir.path);
        expect((await api('/v1/scenes/quarantine', a.tokens.farmer)).status).toBe(403);
        const inWatchFolder = () => readdirSync(scenesDir).filter((n) => !n.startsWith('.'));
        expect(inWatchFolder().sort()).toEqual([S.id, 'elsewhere', 'stray.tif'].sort());
        expect(readdirSync(join(scenesDir, '.quarantine'))).toHaveLength(3);

        // Two restarts: the process comes up, reads nothing again, quarantines nothing twice.
        for (let restart = 0; restart < 2; restart++) {
          await shamba.close();
          shamba = await start();
          expect((await api('/v1/health', a.tokens.manager)).status).toBe(200);
          expect(await shamba.scenes.runOnce()).toBe(0);
          expect(await shamba.scenes.runOnce()).toBe(0);
          expect((await quarantine(b.tokens.admin)).map((q) => q.name)).toEqual([
            'not-an-item/item.json',
            'hostile/item.json',
            'big/item.json',
          ]);
          expect(await list(a.tokens.manager)).toEqual(seenByA);
        }
        const rssAfter = process.memoryUsage().rss;
        console.log(
          `RSS before the scan ${(rssBefore / 2 ** 20).toFixed(0)} MiB, after two restarts ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
        );
        // Three starts of the whole system (broker, stores, a worker) and the scans: a few tens of
        // MiB each; a poison read that held its bytes would be hundreds.
        expect(rssAfter - rssBefore).toBeLessThan(256 * 2 ** 20);
      } finally {
        await shamba.close();
      }
    },
  );
});
