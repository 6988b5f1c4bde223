import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { ShambaError } from '@shamba/schemas';

/** A file name we write: letters, digits, dot, dash, underscore; no path, no leading dot. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_FILES = 32;

/**
 * Streams the files of a multipart/form-data request to a new folder under `root`, never holding
 * a file in memory: at most `maxBytes` in all and `MAX_FILES` files, names checked. On any
 * refusal the folder is removed and the request answered with INVALID_REQUEST.
 */
export async function receiveUpload(
  request: Request,
  root: string,
  maxBytes: number,
): Promise<{ dir: string; files: string[] }> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data') || request.body === null)
    throw new ShambaError('INVALID_REQUEST', 'send the scene as multipart/form-data');
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new ShambaError('INVALID_REQUEST', `upload larger than ${maxBytes} bytes`);
  let parser: busboy.Busboy;
  try {
    // busboy refuses headers it cannot parse (no boundary, ...) here, before any folder exists.
    parser = busboy({
      headers: { 'content-type': type },
      limits: { files: MAX_FILES, fileSize: maxBytes, fields: 16 },
    });
  } catch (cause) {
    throw new ShambaError('INVALID_REQUEST', 'a multipart/form-data body needs a boundary', {
      cause,
    });
  }
  const dir = join(root, `upload-${Date.now()}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  let received = 0;
  let refused: ShambaError | undefined;
  const writes: Promise<void>[] = [];
  parser.on('file', (_field, stream, info) => {
    const name = info.filename ?? '';
    if (refused !== undefined || !SAFE_NAME.test(name) || files.includes(name)) {
      refused ??= new ShambaError(
        'INVALID_REQUEST',
        `not an acceptable file name: ${JSON.stringify(name)}`,
      );
      stream.resume();
      return;
    }
    files.push(name);
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes && refused === undefined) {
        refused = new ShambaError('INVALID_REQUEST', `upload larger than ${maxBytes} bytes`);
        stream.unpipe();
        stream.resume();
      }
    });
    stream.on('limit', () => {
      refused ??= new ShambaError('INVALID_REQUEST', `upload larger than ${maxBytes} bytes`);
    });
    writes.push(pipeline(stream, createWriteStream(join(dir, name))).catch(() => undefined));
  });
  parser.on('filesLimit', () => {
    refused ??= new ShambaError('INVALID_REQUEST', `more than ${MAX_FILES} files`);
  });
  try {
    await pipeline(Readable.fromWeb(request.body as WebReadableStream<Uint8Array>), parser);
    await Promise.all(writes);
  } catch (cause) {
    refused ??= new ShambaError('INVALID_REQUEST', 'the multipart body could not be read', {
      cause,
    });
  }
  if (refused !== undefined || files.length === 0) {
    await rm(dir, { recursive: true, force: true });
    throw refused ?? new ShambaError('INVALID_REQUEST', 'the upload has no files');
  }
  return { dir, files };
}
