import { defineConfig } from 'vitest/config';

// One Vitest project per package, so `pnpm test --project storage` runs one package's tests.
const PACKAGES = [
  'schemas',
  'storage',
  'agronomy',
  'raster',
  'world',
  'firmware-sim',
  'ingest',
  'analytics',
  'delivery',
  'api',
  'cli',
  'tests',
];

export default defineConfig({
  test: {
    projects: PACKAGES.map((name) => ({
      extends: true,
      test: { name, root: `./${name}`, include: ['src/**/*.test.ts'] },
    })),
    // Under CI, a JSON report beside the console one, for .ci/run's closing "N passed, N failed".
    reporters: process.env.CI === undefined ? ['default'] : ['default', 'json'],
    outputFile: { json: '.ci/out/vitest.json' },
    // Tests bind real sockets and open real databases; a slow CI box needs headroom.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
