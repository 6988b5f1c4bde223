import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Packages and the packages they may import (docs/architecture.md, "who may import what"). */
const ALLOWED = {
  schemas: [],
  agronomy: ['schemas'],
  raster: ['schemas'],
  world: ['schemas'],
  storage: ['schemas'],
  'firmware-sim': ['schemas', 'world'],
  ingest: ['schemas', 'storage'],
  analytics: ['schemas', 'storage', 'agronomy', 'raster'],
  delivery: ['schemas', 'storage'],
  api: ['schemas', 'storage', 'agronomy', 'raster', 'analytics', 'delivery'],
};
const ALL = [...Object.keys(ALLOWED), 'cli'];
const FORBIDDEN = Object.fromEntries(
  Object.entries(ALLOWED).map(([pkg, allowed]) => [
    pkg,
    ALL.filter((name) => name !== pkg && !allowed.includes(name)),
  ]),
);
/** Pure packages: contracts and formulas import no node:*, no driver, no framework. */
const PURE = {
  schemas: {
    regex: '^(?!zod$|\\.)',
    message: '@shamba/schemas is pure: zod and its own modules only.',
  },
  agronomy: {
    regex: '^(?!zod$|@shamba/schemas$|\\.)',
    message:
      '@shamba/agronomy is pure: zod, @shamba/schemas and its own modules only (no node:*, no TF.js).',
  },
};
const PRODUCTION = (pkg) => ({
  files: [`${pkg}/src/**/*.{ts,tsx}`],
  ignores: ['**/*.test.ts', '**/testing/**', '**/conformance/**'],
});
const NOT_SRC = {
  regex: '/src(/|$)',
  message: 'Import another package by its name (@shamba/x), never its src/.',
};

function boundaries() {
  const perPackage = Object.entries(FORBIDDEN).map(([pkg, forbidden]) => ({
    ...PRODUCTION(pkg),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NOT_SRC,
            {
              group: forbidden.flatMap((name) => [`@shamba/${name}`, `@shamba/${name}/*`]),
              message: `${pkg} may not import this package (docs/architecture.md).`,
            },
            ...(PURE[pkg] ? [PURE[pkg]] : []),
          ],
        },
      ],
    },
  }));
  return [
    {
      files: ['**/*.{ts,tsx}'],
      rules: { 'no-restricted-imports': ['error', { patterns: [NOT_SRC] }] },
    },
    ...perPackage,
    {
      // An adapter never imports another adapter (ports are the only way between them).
      files: ['storage/src/adapters/*/*.ts'],
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              NOT_SRC,
              {
                group: FORBIDDEN.storage.flatMap((name) => [
                  `@shamba/${name}`,
                  `@shamba/${name}/*`,
                ]),
                message: 'storage may not import this package (docs/architecture.md).',
              },
              {
                regex: '^\\.\\./(?!\\.\\.)',
                message: 'An adapter never imports another adapter: go through a port.',
              },
            ],
          },
        ],
      },
    },
    {
      // Prescription rules load in the analytics worker threads: nothing that belongs to the
      // main thread (drivers, the logger, the stores, the service) may come in at run time.
      files: ['analytics/src/rules/**/*.ts'],
      ignores: ['**/*.test.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: '^node:|^pino$|^p-map$',
                message: 'A rule runs in a worker thread: no node:*, no logger, no p-map.',
              },
              {
                regex: '^@shamba/storage$|/prescriptions/|/worker/worker-pool',
                allowTypeImports: true,
                message: 'A rule may use the stores and the service by type only (worker thread).',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['*/src/**/*.{ts,tsx}'],
      ignores: ['**/*.test.ts', '**/testing/**'],
      rules: {
        'max-lines': ['warn', { max: 400 }],
        // Past three parameters, an options object: call sites say what each value is.
        'max-params': ['error', 3],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'cli/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Ports are async so that a network store can stand behind them; the embedded SQLite
      // adapters implement them with a synchronous driver, on purpose.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'error',
    },
  },
  // Package boundaries (docs/architecture.md, "who may import what"): each package imports only
  // the packages below it in that table, by name, never another package's src/.
  ...boundaries(),
  {
    // The CLI and the benchmarks talk to a person on a terminal; tests may print diagnostics.
    files: ['cli/src/**', 'bench/src/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The dashboard's browser code: DOM globals, no Node.
    files: ['api/client/src/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
