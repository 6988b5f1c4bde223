import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { writeDashboardAssets } from '@shamba/api';

/**
 * `pnpm build`: the CLI and the analytics worker compiled to plain JavaScript in `cli/dist/`, so
 * a running Shamba carries no TypeScript loader (tsx's loader thread and source maps cost the
 * broker about 37 MB of its memory in `pnpm bench ingest`). Only our own workspace code is
 * bundled; every npm package is imported from where pnpm installed it, untouched (native
 * better-sqlite3, TF.js's WebAssembly files, geotiff's decoders), by absolute path, so the
 * build is for this checkout and is remade by `pnpm start`. A package that bundled code finds at
 * run time (`createRequire(import.meta.url).resolve(...)`: the SQLite merger's driver, Aedes'
 * mqtt-packet, TF.js's wasm files) is looked for from `cli/dist/`, so it is a dependency of
 * `@shamba/cli` too.
 */
export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILT_CLI = join(CLI_DIR, 'dist', 'shamba.mjs');

/**
 * V8 heap flags for the broker's allocation pattern: each in-flight QoS 1 publish lives until its
 * group commit (tens of ms under load), so it is promoted to the old generation, and with V8's
 * defaults the old generation grows to up to 4 times the live heap before it is marked. 8 MiB
 * semi-spaces (16 by default) and a growing factor of 1.5 keep the built ingest's peak RSS with
 * 1,000 devices at 115-123 MB over 20,000 readings and 132-137 MB over 200,000 (`pnpm bench
 * ingest`, BENCH_MESSAGES=200); with the defaults it was about 200 MB, before the glibc setting
 * below. A factor of 2 was 5 % faster but passed 150 MB on the long run; 1.3 was 10 % slower.
 * Semi-spaces of 10 or 12 MiB were up to 10 % faster, and passed 150 MB on the long run.
 */
export const NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=50'];

/**
 * glibc keeps a freed block above its mmap threshold in the heap once it has seen one freed
 * (the threshold rises to the block's size), so each scrypt verification's 4 MiB stays resident
 * after a reconnect storm. A fixed 256 KiB threshold maps such blocks and returns them when
 * freed: with 1,000 devices connecting, this took about 25 MB off the peak RSS
 * (`pnpm bench ingest`, measured when every device secret was an scrypt hash; now only a device
 * from an older registry costs one scrypt, once, before its hash is rewritten as SHA-256).
 */
export const GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=262144';

/**
 * The environment to run the built CLI in from a test or a bench, as a shell would: without the
 * NODE_PATH that tsx and npx set for their children (pnpm's hoisted packages), which would let the
 * bundle find packages that `pnpm start`, run from a shell, does not.
 */
export function builtCliEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.NODE_PATH;
  return clean;
}

const npmPackagesInPlace: Plugin = {
  name: 'npm-packages-in-place',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@shamba/') || args.path.startsWith('node:')) return undefined;
      if (args.pluginData === 'in-place') return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'in-place',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      // A Node built-in named without `node:` resolves to itself.
      return { path: resolved.path, external: true };
    });
  },
};

export async function buildCli(): Promise<string> {
  const result = await build({
    entryPoints: {
      shamba: join(CLI_DIR, 'src', 'bin.ts'),
      'analytics-worker': join(CLI_DIR, '..', 'analytics', 'src', 'worker', 'analytics-worker.ts'),
    },
    outdir: join(CLI_DIR, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Lazy imports stay lazy (TF.js and geotiff load in the worker on first use, never in the
    // broker): each becomes a chunk beside the entries.
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [npmPackagesInPlace],
    logLevel: 'warning',
    write: false,
  });
  const dist = join(CLI_DIR, 'dist');
  mkdirSync(dist, { recursive: true });
  for (const file of result.outputFiles) {
    // bin.ts's own `#!/usr/bin/env -S npx tsx` gives way to node with the heap flags.
    const code = file.text.replace(/^#!.*\n/, '');
    writeFileSync(
      file.path,
      file.path === BUILT_CLI
        ? `#!/usr/bin/env -S GLIBC_TUNABLES=${GLIBC_TUNABLES} node ${NODE_FLAGS.join(' ')}\n${code}`
        : code,
      { mode: file.path === BUILT_CLI ? 0o755 : 0o644 },
    );
  }
  // Chunks of earlier builds go; files are replaced, not the folder, so a running CLI keeps its
  // chunks (their names are content hashes: unchanged code keeps them).
  const written = new Set(result.outputFiles.map((f) => f.path));
  for (const name of readdirSync(dist)) {
    if (name !== 'assets' && !written.has(join(dist, name)))
      rmSync(join(dist, name), { force: true });
  }
  // The dashboard's scripts and styles, bundled for the browser; a running CLI has its own in
  // memory, so the folder is replaced whole.
  rmSync(join(dist, 'assets'), { recursive: true, force: true });
  const sizes = await writeDashboardAssets(join(dist, 'assets'));
  const total = sizes.reduce((sum, s) => sum + s.gzipBytes, 0);
  process.stderr.write(
    `dashboard assets: ${sizes.length} files, ${(total / 1024).toFixed(1)} KiB gzipped\n`,
  );
  return BUILT_CLI;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
