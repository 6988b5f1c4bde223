import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ENTRIES, loadDashboardAssets, type DashboardAssets } from './assets.js';

/**
 * What a phone downloads for one page: the shared script and style, the page's own, and every
 * chunk they import (followed through the bundles' static imports).
 */
function pageDownload(
  assets: DashboardAssets,
  entry: string,
): { names: string[]; gzipBytes: number } {
  const names = new Set<string>();
  const visit = (name: string) => {
    if (names.has(name)) return;
    const asset = assets.get(name);
    if (asset === undefined) throw new Error(`${name} is referenced but not served`);
    names.add(name);
    if (!name.endsWith('.js')) return;
    const code = Buffer.from(asset.body).toString('utf8');
    for (const match of code.matchAll(/from\s*"\.\/([\w-]+\.js)"|import\s*"\.\/([\w-]+\.js)"/g))
      visit((match[1] ?? match[2])!);
  };
  for (const file of ['common.js', 'common.css', `${entry}.js`, `${entry}.css`]) {
    // A page may have no stylesheet of its own.
    if (file.endsWith('.css') && !assets.has(file)) continue;
    visit(assets.url(file).replace('/assets/', ''));
  }
  const gzipBytes = [...names].reduce((sum, name) => sum + assets.get(name)!.gzip.byteLength, 0);
  return { names: [...names], gzipBytes };
}

describe('the dashboard assets', () => {
  let assets: DashboardAssets;
  beforeAll(async () => {
    assets = await loadDashboardAssets();
  }, 60_000);

  it('has a script for every page, content-hashed, with its gzip the same bytes', () => {
    for (const entry of CLIENT_ENTRIES) {
      const url = assets.url(`${entry}.js`);
      expect(url).toMatch(new RegExp(`^/assets/${entry}-[A-Z0-9]{8}\\.js$`));
      const asset = assets.get(url.replace('/assets/', ''))!;
      expect(Buffer.from(gunzipSync(asset.gzip)).equals(Buffer.from(asset.body))).toBe(true);
    }
  });

  it('keeps what a phone downloads for each page small (reported here)', () => {
    const report = CLIENT_ENTRIES.filter((e) => e !== 'common').map((entry) => {
      const { names, gzipBytes } = pageDownload(assets, entry);
      return { entry, files: names.length, kib: Number((gzipBytes / 1024).toFixed(1)) };
    });
    console.table(report);
    // The map carries Leaflet, the charts uPlot: each page stays under 120 KiB gzipped, about
    // three seconds on a weak 3G link, and is cached for good after (immutable names).
    for (const page of report) expect(page.kib).toBeLessThan(120);
  });
});
