import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { etagOf, jsonWithETag } from './etag.js';

describe('jsonWithETag', () => {
  const app = new Hono().get('/p', (c) => jsonWithETag(c, { rateMm: 12.5 }));
  const body = JSON.stringify({ rateMm: 12.5 });

  it('gives the ETag of the bytes, and 304 to a client that has them', async () => {
    const first = await app.request('/p');
    expect([first.status, first.headers.get('etag'), await first.text()]).toEqual([
      200,
      etagOf(body),
      body,
    ]);
    for (const header of [etagOf(body), `W/${etagOf(body)}`, `"other", ${etagOf(body)}`, '*']) {
      const again = await app.request('/p', { headers: { 'if-none-match': header } });
      expect([header, again.status, await again.text()]).toEqual([header, 304, '']);
    }
    const stale = await app.request('/p', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });
});
