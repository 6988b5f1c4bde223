import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  dashboardApp,
  pageRequests,
  signInUsers,
  type PageRequests,
} from '../testing/signed-in.js';

const NOW = Date.UTC(2026, 7, 10, 12, 0);

let stores: TempStores;
let pages: PageRequests;

const USERS: Record<string, Principal> = {
  agronomist: { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Almaz' },
  manager: { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'M' },
  farmer: { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'F' },
  'agronomist-b': { role: 'agronomist', coopId: 'coop-b', farmerId: null, name: 'B' },
  admin: { role: 'admin', coopId: null, farmerId: null, name: 'Root' },
};

beforeAll(async () => {
  stores = await openTempStores('shamba-agronomy-pages-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'Bishoftu' }));
  const published = { author: 'Almaz', atMs: Date.UTC(2026, 2, 1) };
  await registry.parameterSets.add(
    'coop-a',
    { note: 'Adami Tulu trial 2024', crops: { maize: { kc: { mid: 1.1 } } } },
    published,
  );
  await registry.parameterSets.add(
    'coop-a',
    {
      note: 'Adami Tulu trial 2025',
      crops: { maize: { kc: { mid: 1.15 }, rootDepthMaxM: 1.5 }, teff: { ky: 1 } },
    },
    { ...published, atMs: Date.UTC(2026, 5, 1) },
  );
  await registry.parameterSets.add(
    'coop-b',
    { note: 'Bishoftu bulletin', crops: { wheat: { ky: 1.3 } } },
    published,
  );
  const signedIn = await signInUsers(registry, USERS, { clock: () => NOW });
  const app = await dashboardApp({
    registry,
    store,
    clock: () => NOW,
    sessions: signedIn.sessions,
  });
  pages = pageRequests(app, signedIn);
});
afterAll(() => stores.close());

const get = (user: string, path: string) => pages.get(user, path);
const post = (user: string, fields: Record<string, string>, csrf = true) =>
  pages.postForm(user, '/agronomy/parameters', fields, { csrf });

/** A table's body rows as their cells' text, tags and the arrow's markup dropped. */
function rows(html: string, tableId: string): string[][] {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!
        .replace(/<span aria-hidden="true">→ <\/span>/g, '→ ')
        .replace(/<[^>]+>/g, '')
        .trim(),
    ),
  );
}

/** The `<input>` tag named `name`. */
const input = (html: string, name: string) =>
  new RegExp(`<input[^>]*name="${name.replaceAll('.', '\\.')}"[^>]*>`).exec(html)?.[0] ?? '';

describe('crop parameter sets page', () => {
  it('shows the latest version, every version, and a form prefilled from it with FAO-56 ranges', async () => {
    const response = await get('agronomist', '/agronomy/parameters');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(rows(html, 'parameter-versions')).toEqual([
      ['2', '2026-06-01', 'Almaz', 'Adami Tulu trial 2025', 'Changes from version 1'],
      ['1', '2026-03-01', 'Almaz', 'Adami Tulu trial 2024', ''],
    ]);
    expect(html).toContain('Version 2, published 2026-06-01 by Almaz');
    expect(rows(html, 'parameter-values')).toEqual([
      ['maize', 'Kc, mid-season', '1.15', '1.2', 'FAO-56 Table 12'],
      ['maize', 'Maximum root depth (m)', '1.5', '1.7', 'FAO-56 Table 22'],
      ['teff', 'Yield response factor Ky', '1', '1.05', 'FAO-33 Table 24'],
    ]);
    // The form starts from the latest version; each input carries the schema's bounds.
    const kcMid = input(html, 'maize.kc.mid');
    expect(kcMid).toContain('value="1.15"');
    expect(kcMid).toContain('min="0.1"');
    expect(kcMid).toContain('max="1.5"');
    expect(kcMid).toContain('placeholder="1.2"');
    expect(input(html, 'maize.stages.iniDays')).toContain('step="1"');
    expect(input(html, 'wheat.kc.mid')).toContain('value=""');
    expect(html).toContain('FAO-56 Table 12: 0.1-1.5');
    expect(html).toContain('FAO-56 Table 22: &gt; 0-3');
    expect(html).toContain('FAO-56 Table 22: 0.1-0.8');
    expect(html).toContain('FAO-56 Table 11: 1-400');
    // A perennial has no stages to set.
    expect(input(html, 'coffee.stages.iniDays')).toBe('');
    expect(html).toContain('Publish version 3');
  });

  it('shows an older version by number, and 404 for one that does not exist', async () => {
    const html = await (await get('agronomist', '/agronomy/parameters?version=1')).text();
    expect(rows(html, 'parameter-values')).toEqual([
      ['maize', 'Kc, mid-season', '1.1', '1.2', 'FAO-56 Table 12'],
    ]);
    expect((await get('agronomist', '/agronomy/parameters?version=9')).status).toBe(404);
    expect((await get('agronomist', '/agronomy/parameters?version=x')).status).toBe(400);
  });

  it('compares two versions: every parameter that differs, old → new, built-in values named', async () => {
    const response = await get('agronomist', '/agronomy/parameters?compare=1&with=2');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Changes from version 1 to version 2');
    expect(rows(html, 'parameter-changes')).toEqual([
      ['maize', 'Kc, mid-season', '1.1', '→ 1.15'],
      ['maize', 'Maximum root depth (m)', 'built-in 1.7', '→ 1.5'],
      ['teff', 'Yield response factor Ky', 'built-in 1.05', '→ 1'],
    ]);
    const same = await (await get('agronomist', '/agronomy/parameters?compare=2&with=2')).text();
    expect(same).toContain('The two versions set the same values.');
  });

  it('publishes a valid form as the next version, as the API would', async () => {
    const response = await post('agronomist', {
      note: 'Extension bulletin 7',
      'maize.kc.mid': '1.18',
      'maize.stages.midDays': '55',
      'sorghum.depletionFraction': '0,6',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/agronomy/parameters?published=3');
    const latest = await stores.registry.parameterSets.latest('coop-a');
    expect(latest).toEqual({
      coopId: 'coop-a',
      version: 3,
      createdAtMs: NOW,
      author: 'Almaz',
      note: 'Extension bulletin 7',
      crops: {
        maize: { kc: { mid: 1.18 }, stages: { midDays: 55 } },
        sorghum: { depletionFraction: 0.6 },
      },
    });
    const html = await (await get('agronomist', '/agronomy/parameters?published=3')).text();
    expect(html).toContain('Version 3 published.');
  });

  it('refuses out-of-range values with 400, each message beside its input, what was typed kept, nothing stored', async () => {
    const before = await stores.registry.parameterSets.list('coop-a');
    const response = await post('agronomist', {
      note: 'typo',
      'maize.kc.mid': '5',
      'maize.depletionFraction': '55',
      'maize.stages.iniDays': '2.5',
      'teff.ky': '1.1',
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('3 values were refused: nothing was published.');
    const error = (id: string) => new RegExp(`id="${id}-error">([^<]*)<`).exec(html)?.[1];
    expect(error('p-maize-kc-mid')).toBe('Outside the range of FAO-56 Table 12: 0.1-1.5.');
    expect(error('p-maize-depletionFraction')).toBe(
      'Outside the range of FAO-56 Table 22: 0.1-0.8.',
    );
    expect(error('p-maize-stages-iniDays')).toBe('A whole number of days.');
    expect(html).not.toContain('id="p-teff-ky-error"');
    expect(input(html, 'maize.kc.mid')).toContain('value="5"');
    expect(input(html, 'maize.kc.mid')).toContain('aria-invalid="true"');
    expect(input(html, 'teff.ky')).toContain('value="1.1"');
    expect(html).toContain('typo</textarea>');
    expect(await stores.registry.parameterSets.list('coop-a')).toEqual(before);

    const noNote = await post('agronomist', { note: '', 'maize.kc.mid': '1.1' });
    expect(noNote.status).toBe(400);
    expect(await noNote.text()).toContain('id="note-error">Say where the values come from.<');
    expect(await stores.registry.parameterSets.list('coop-a')).toEqual(before);
  });

  it('refuses a form without its CSRF token (403), and a manager (403, no form shown); stores nothing', async () => {
    const before = await stores.registry.parameterSets.list('coop-a');
    const noCsrf = await post('agronomist', { note: 'x', 'maize.kc.mid': '1.1' }, false);
    expect(noCsrf.status).toBe(403);
    const manager = await post('manager', { note: 'x', 'maize.kc.mid': '1.1' });
    expect(manager.status).toBe(403);
    expect(await stores.registry.parameterSets.list('coop-a')).toEqual(before);
    const view = await get('manager', '/agronomy/parameters');
    expect(view.status).toBe(200);
    const html = await view.text();
    expect(html).toContain('id="publish-not-allowed"');
    expect(html).not.toContain('id="publish-form"');
    expect(rows(html, 'parameter-versions')).toHaveLength(before.length);
  });

  it("keeps cooperatives apart: another's page is 404, its versions are not found, a farmer is refused", async () => {
    expect((await get('agronomist', '/agronomy/parameters?coop=coop-b')).status).toBe(404);
    const b = await (await get('agronomist-b', '/agronomy/parameters')).text();
    expect(rows(b, 'parameter-values')).toEqual([
      ['wheat', 'Yield response factor Ky', '1.3', '1.15', 'FAO-33 Table 24'],
    ]);
    expect(b).not.toContain('Adami Tulu');
    expect((await get('agronomist-b', '/agronomy/parameters?version=2')).status).toBe(404);
    expect((await get('agronomist-b', '/agronomy/parameters?compare=1&with=2')).status).toBe(404);
    const crossPost = await post('agronomist-b', {
      note: 'x',
      coop: 'coop-a',
      'maize.kc.mid': '1',
    });
    expect(crossPost.status).toBe(404);
    expect((await stores.registry.parameterSets.list('coop-b')).map((s) => s.version)).toEqual([1]);
    expect((await get('farmer', '/agronomy/parameters')).status).toBe(403);
  });

  it('lets an admin choose the cooperative, then see and publish for it', async () => {
    const chooser = await (await get('admin', '/agronomy/parameters')).text();
    expect(chooser).toContain('href="/agronomy/parameters?coop=coop-b"');
    const b = await (await get('admin', '/agronomy/parameters?coop=coop-b')).text();
    expect(b).toContain('<input type="hidden" name="coop" value="coop-b"/>');
    const published = await post('admin', { coop: 'coop-b', note: 'admin fix', 'wheat.ky': '1.2' });
    expect(published.status).toBe(303);
    expect(published.headers.get('location')).toBe('/agronomy/parameters?published=2&coop=coop-b');
    expect((await stores.registry.parameterSets.latest('coop-b'))?.crops).toEqual({
      wheat: { ky: 1.2 },
    });
  });
});
