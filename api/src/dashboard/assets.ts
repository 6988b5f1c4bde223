import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One file the browser downloads: minified, content-hashed name, gzip beside it. */
export interface Asset {
  name: string;
  type: string;
  body: Uint8Array;
  gzip: Uint8Array;
  /** A strong validator of the body (its name already carries a hash of it). */
  etag: string;
}

/** The dashboard's browser code and styles, bundled from `api/client/src` (no CDN, no web font). */
export interface DashboardAssets {
  /** The URL of an entry (`map.js`, `dashboard.css`) by its unhashed name. */
  url(entry: string): string;
  /** Whether the build has that entry (a page's script may import no stylesheet). */
  has(entry: string): boolean;
  get(name: string): Asset | undefined;
  /** Every file with its size and gzip size, bytes (what a phone downloads). */
  sizes(): { name: string; bytes: number; gzipBytes: number }[];
}

/** The pages' scripts: one per page, with the code they share split into chunks. */
export const CLIENT_ENTRIES = [
  'map',
  'field',
  'forecast',
  'agronomy',
  'devices',
  'common',
] as const;
const CLIENT_DIR = fileURLToPath(new URL('../../client/src', import.meta.url));
const MANIFEST = 'manifest.json';

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json',
};
const typeOf = (name: string) => TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';

function assetsFrom(
  files: Map<string, Uint8Array>,
  manifest: Record<string, string>,
): DashboardAssets {
  const assets = new Map<string, Asset>();
  for (const [name, body] of files)
    assets.set(name, {
      name,
      type: typeOf(name),
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  return {
    url(entry) {
      const name = manifest[entry];
      if (name === undefined) throw new Error(`no dashboard asset ${entry}`);
      return `/assets/${name}`;
    },
    has: (entry) => manifest[entry] !== undefined,
    get: (name) => assets.get(name),
    sizes: () =>
      [...assets.values()].map((a) => ({
        name: a.name,
        bytes: a.body.byteLength,
        gzipBytes: a.gzip.byteLength,
      })),
  };
}

/**
 * Bundles the browser code with esbuild (imported only here: a built box loads its assets from
 * files, see `writeDashboardAssets`). ES modules with shared chunks, minified, for browsers of
 * the last few years (Android phones included).
 */
async function bundle(): Promise<{
  files: Map<string, Uint8Array>;
  manifest: Record<string, string>;
}> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: Object.fromEntries(
      CLIENT_ENTRIES.map((entry) => [entry, join(CLIENT_DIR, `${entry}.ts`)]),
    ),
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: ['es2020'],
    outdir: '/assets',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.png': 'file', '.svg': 'file' },
    metafile: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map(result.outputFiles.map((f) => [basename(f.path), f.contents]));
  const manifest: Record<string, string> = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (output.entryPoint === undefined || !path.endsWith('.js')) continue;
    const entry = basename(output.entryPoint).replace(/\.ts$/, '');
    manifest[`${entry}.js`] = basename(path);
    // The CSS an entry imports (its own and its libraries') comes out as one file beside it.
    if (output.cssBundle !== undefined) manifest[`${entry}.css`] = basename(output.cssBundle);
  }
  return { files, manifest };
}

/**
 * The dashboard's assets: from `dir` when it holds a build (`pnpm build` writes one beside the
 * CLI), else bundled now from the sources (a run through tsx, the tests).
 */
export async function loadDashboardAssets(dir?: string): Promise<DashboardAssets> {
  if (dir !== undefined) {
    const manifest = await readFile(join(dir, MANIFEST), 'utf8').then(
      (text) => JSON.parse(text) as Record<string, string>,
      () => undefined,
    );
    if (manifest !== undefined) {
      const names = (await readdir(dir)).filter((n) => n !== MANIFEST);
      const files = new Map<string, Uint8Array>();
      for (const name of names) files.set(name, await readFile(join(dir, name)));
      return assetsFrom(files, manifest);
    }
  }
  const { files, manifest } = await bundle();
  return assetsFrom(files, manifest);
}

/** `pnpm build`: the bundled assets written to `dir`, with their manifest; returns their sizes. */
export async function writeDashboardAssets(dir: string) {
  const { files, manifest } = await bundle();
  await mkdir(dir, { recursive: true });
  for (const [name, body] of files) await writeFile(join(dir, name), body);
  await writeFile(join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
  return assetsFrom(files, manifest).sizes();
}
