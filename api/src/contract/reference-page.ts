import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import swaggerUiPath from 'swagger-ui-dist/absolute-path.js';
import { ShambaError } from '@shamba/schemas';

/** The reference page's own files: Swagger UI's bundle and styles, and the script that starts it. */
interface File {
  type: string;
  body: Uint8Array;
  gzip: Uint8Array;
  etag: string;
}

/** Starts Swagger UI on the document beside it; a file, since the page's CSP runs no inline code. */
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: './openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shamba API reference</title>
<link rel="stylesheet" href="reference/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="reference/swagger-ui-bundle.js"></script>
<script src="reference/init.js"></script>
</body>
</html>
`;

/** Swagger UI draws with React (style properties, not inline style sheets) and SVG data URIs. */
const PAGE_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

function fileOf(type: string, body: Uint8Array): File {
  return {
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
  };
}

async function loadFiles(): Promise<Map<string, File>> {
  const dir = swaggerUiPath();
  const files = new Map<string, File>();
  files.set(
    'swagger-ui-bundle.js',
    fileOf('text/javascript; charset=utf-8', await readFile(join(dir, 'swagger-ui-bundle.js'))),
  );
  files.set(
    'swagger-ui.css',
    fileOf('text/css; charset=utf-8', await readFile(join(dir, 'swagger-ui.css'))),
  );
  files.set('init.js', fileOf('text/javascript; charset=utf-8', new TextEncoder().encode(INIT_JS)));
  return files;
}

function send(c: Context, file: File): Response {
  c.header('etag', file.etag);
  c.header('cache-control', 'public, max-age=3600');
  c.header('vary', 'accept-encoding');
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
  c.header('content-type', file.type);
  if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
    c.header('content-encoding', 'gzip');
    return c.body(file.gzip as Uint8Array<ArrayBuffer>);
  }
  return c.body(file.body as Uint8Array<ArrayBuffer>);
}

/**
 * `GET /v1/reference`: the contract as a page to read and try (Swagger UI, from the box's own
 * installed copy: no CDN), with its files read and compressed on the first visit.
 */
export function referencePageRoutes() {
  let files: Promise<Map<string, File>> | undefined;
  return new Hono()
    .use(PAGE_HEADERS)
    .get('/reference', (c) => c.html(PAGE))
    .get('/reference/:name', async (c) => {
      files ??= loadFiles();
      const file = (await files).get(c.req.param('name'));
      if (file === undefined) throw new ShambaError('NOT_FOUND', `no file ${c.req.param('name')}`);
      return send(c, file);
    });
}
