import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Shamba } from '@shamba/cli';
import { COOP, seedCoop, seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TESTS = fileURLToPath(new URL('..', import.meta.url));

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `{coopId}` and `{id}` name the same segment: compare paths by shape. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/**
 * The routes the README's API table names, as `METHOD /path` by shape: a cell lists methods as
 * code spans (`GET`/`POST /v1/...`) and may hold several paths; the query is left out, and a
 * path continued as `/inbound` after a full one takes the full one's parent.
 */
function readmeRoutes(readme: string): string[] {
  const table = readme.split('## The API')[1]?.split('\n## ')[0] ?? '';
  const routes: string[] = [];
  for (const line of table.split('\n')) {
    const cell = /^\| (.+?) \| /.exec(line)?.[1];
    if (cell === undefined || !cell.startsWith('`')) continue;
    let methods: string[] = [];
    let lastPath = '';
    let lastMethods: string[] = [];
    for (const [, span] of cell.matchAll(/`([^`]+)`/g)) {
      const words = span!.split(' ');
      if (words.length === 1 && /^[A-Z]+$/.test(words[0]!)) {
        methods.push(words[0]!);
        continue;
      }
      const [method, rawPath] = words.length === 2 ? words : [undefined, words[0]];
      if (method !== undefined) methods.push(method);
      let path = rawPath!.split('?')[0]!;
      // A continuation (`/inbound` after `.../delivery-reports`) takes the last methods too.
      if (!path.startsWith('/v1')) {
        path = lastPath.replace(/\/[^/]+$/, '') + path;
        if (methods.length === 0) methods = lastMethods;
      }
      lastPath = path;
      lastMethods = methods;
      for (const m of methods) routes.push(`${m} ${shape(path)}`);
      methods = [];
    }
  }
  return routes;
}

describe('the OpenAPI contract', () => {
  let dir: ReturnType<typeof tempDir>;
  let shamba: Shamba;
  let manager: string;
  let document: OpenApiDocument;

  beforeAll(async () => {
    dir = tempDir('shamba-openapi-');
    shamba = await startShamba(dir.path);
    await seedCoop(shamba.registry);
    manager = await seedToken(shamba.registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'Manager',
    });
    const response = await fetch(`${shamba.api.url}/v1/openapi.json`);
    expect(response.headers.get('content-type')).toBe('application/json');
    document = (await response.json()) as OpenApiDocument;
  }, 60_000);
  afterAll(async () => {
    await shamba?.close();
    dir?.[Symbol.dispose]();
  });

  it('is an OpenAPI 3.1 document an independent validator accepts', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect([validator.version, result.errors ?? []]).toEqual(['3.1', []]);
    expect(result.valid).toBe(true);
  });

  it("holds every route the README's API table names", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        METHODS.filter((m) => item[m] !== undefined).map(
          (m) => `${m.toUpperCase()} ${shape(path)}`,
        ),
      ),
    );
    const named = readmeRoutes(readme);
    console.log(
      `README names ${named.length} routes; the document has ${documented.size} operations`,
    );
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((route) => !documented.has(route))).toEqual([]);
    // And the other way: every operation of the document is in the README's table.
    const inReadme = new Set(named);
    expect([...documented].filter((route) => !inReadme.has(route))).toEqual([]);
  });

  it('serves its reference page and the page’s own files, from the box', async () => {
    const page = await fetch(`${shamba.api.url}/v1/reference`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources).toEqual([
      'reference/swagger-ui.css',
      'reference/swagger-ui-bundle.js',
      'reference/init.js',
    ]);
    for (const source of sources) {
      const file = await fetch(`${shamba.api.url}/v1/${source}`);
      expect([source, file.status, (await file.arrayBuffer()).byteLength > 100]).toEqual([
        source,
        200,
        true,
      ]);
    }
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('generates a client (openapi-typescript + openapi-fetch) that type-checks and calls three routes', async () => {
    const generated = await mkdtemp(join(TESTS, '.generated-client-'));
    try {
      const schema = astToString(await openapiTS(document as never));
      await writeFile(join(generated, 'schema.d.ts'), schema);
      await writeFile(
        join(generated, 'client.ts'),
        `import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const client = createClient<paths>({
  baseUrl: process.env.BASE_URL!,
  headers: { authorization: \`Bearer \${process.env.TOKEN!}\` },
});
const coopId = process.env.COOP!;
const added = await client.POST('/v1/coops/{coopId}/farmers', {
  params: { path: { coopId } },
  body: { id: 'f-generated', name: 'Almaz Bekele', phone: '+251911000777', language: 'am' },
});
const listed = await client.GET('/v1/coops/{coopId}/farmers', { params: { path: { coopId } } });
const one = await client.GET('/v1/coops/{coopId}/farmers/{farmerId}', {
  params: { path: { coopId, farmerId: 'f-generated' } },
});
const missing = await client.GET('/v1/coops/{coopId}/farmers/{farmerId}', {
  params: { path: { coopId, farmerId: 'nobody' } },
});
console.log(
  JSON.stringify({
    added: [added.response.status, added.data?.farmer.name],
    listed: listed.data?.farmers.map((farmer) => farmer.id),
    one: one.data?.farmer.language,
    missing: [missing.response.status, missing.error?.code],
  }),
);
`,
      );
      await writeFile(
        join(generated, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.base.json'),
          compilerOptions: { noEmit: true, rootDir: '.', types: ['node'] },
          include: ['*.ts'],
        }),
      );
      // The calls and the fields read from the answers must agree with the generated types.
      await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', generated], { cwd: generated });
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'client.ts'], {
        cwd: generated,
        env: { ...process.env, BASE_URL: shamba.api.url, TOKEN: manager, COOP },
      });
      expect(JSON.parse(stdout)).toEqual({
        added: [201, 'Almaz Bekele'],
        listed: ['f', 'f-generated'],
        one: 'am',
        missing: [404, 'NOT_FOUND'],
      });
    } finally {
      await rm(generated, { recursive: true, force: true });
    }
  }, 120_000);
});
