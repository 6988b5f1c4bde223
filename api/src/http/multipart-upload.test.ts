import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { receiveUpload } from './multipart-upload.js';

// Issue 13 case 17: a multipart request without a boundary was a 500 and an empty folder each
// time; it is a 400 and leaves nothing behind.
const root = mkdtempSync(join(tmpdir(), 'shamba-upload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const request = (contentType: string, body: NonNullable<RequestInit['body']>) =>
  new Request('http://api.test/v1/scenes/upload', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

describe('receiveUpload', () => {
  it('refuses multipart/form-data without a boundary with 400 and creates no folder', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        receiveUpload(request('multipart/form-data', '--x\r\n\r\n'), join(root, 'scenes'), 1024),
      ).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: 'a multipart/form-data body needs a boundary',
      });
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('still receives a well-formed upload into one new folder', async () => {
    const form = new FormData();
    form.append('item', new Blob(['{"id":"S2"}']), 'item.json');
    const probe = new Request('http://api.test/', { method: 'POST', body: form });
    const { dir, files } = await receiveUpload(
      request(probe.headers.get('content-type')!, await probe.arrayBuffer()),
      join(root, 'scenes'),
      1024,
    );
    expect([files, readFileSync(join(dir, 'item.json'), 'utf8')]).toEqual([
      ['item.json'],
      '{"id":"S2"}',
    ]);
    expect(readdirSync(join(root, 'scenes'))).toHaveLength(1);
  });
});
