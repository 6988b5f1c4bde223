import { BaseClient, BaseResponse, fromCustomClient, type GeoTIFF } from 'geotiff';
import { ShambaError } from '@shamba/schemas';
import type { ByteSource } from '../tiff/tiff-guard.js';
import type { RemoteAccess } from './address-policy.js';
import { MAX_RANGE_BYTES, remoteGet, type RemoteResponse } from './guarded-fetch.js';

const moreThanAsked = () =>
  new ShambaError('RASTER_INVALID', 'the band file server sent more than the range asked for');

/** A band file on a server, and the address policy its reads go through. */
interface RemoteFile {
  url: string;
  access: RemoteAccess | undefined;
}

/** One byte range of the file, both ends included, through the guard. */
async function getRange(
  { url, access }: RemoteFile,
  range: { from: number; to: number },
  signal?: AbortSignal,
): Promise<RemoteResponse> {
  return remoteGet({
    url,
    access,
    range,
    maxBytes: MAX_RANGE_BYTES,
    tooLarge: moreThanAsked,
    signal,
  });
}

/**
 * A Cloud-Optimized GeoTIFF over HTTP(S) for the structure check: the header and IFDs with
 * range requests, each through the guard. A server that ignores Range (answers 200 with the
 * whole file) is refused: a 10980 x 10980 band is hundreds of MB.
 */
export async function httpSource(
  url: string,
  access: RemoteAccess | undefined,
): Promise<ByteSource & { close(): Promise<void> }> {
  const file: RemoteFile = { url, access };
  const first = await getRange(file, { from: 0, to: 0 });
  const total = Number(/\/(\d+)$/.exec(first.headers['content-range'] ?? '')?.[1]);
  if (!Number.isFinite(total))
    throw new ShambaError('RASTER_INVALID', 'the band file server gave no total size');
  return {
    size: total,
    read: async (offset, length) => {
      const end = Math.min(total, offset + length) - 1;
      if (end < offset) return Buffer.alloc(0);
      return (await getRange(file, { from: offset, to: end })).body;
    },
    close: () => Promise.resolve(),
  };
}

class GuardedResponse extends BaseResponse {
  readonly #response: RemoteResponse;
  constructor(response: RemoteResponse) {
    super();
    this.#response = response;
  }
  override get status() {
    return this.#response.status;
  }
  override getHeader(name: string): string | undefined {
    const value = this.#response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  override getData(): Promise<ArrayBuffer> {
    const { body } = this.#response;
    return Promise.resolve(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    );
  }
}

/**
 * geotiff's client for remote tiles, in place of its own fetch (which follows redirects to any
 * address and reads any body whole): every tile read is one single range through the guard.
 */
class GuardedClient extends BaseClient {
  readonly #file: RemoteFile;
  constructor(url: string, access: RemoteAccess | undefined) {
    super(url);
    this.#file = { url, access };
  }
  override async request(options: RequestInit = {}): Promise<BaseResponse> {
    const range = new Headers(options.headers).get('range') ?? '';
    const match = /^bytes=(\d+)-(\d+)$/.exec(range);
    // geotiff asks for single ranges (maxRanges 0); anything else is not a read we make.
    if (match === null) throw new ShambaError('RASTER_UNSUPPORTED', 'not a single range read');
    const response = await getRange(
      this.#file,
      { from: Number(match[1]), to: Number(match[2]) },
      options.signal ?? undefined,
    );
    return new GuardedResponse(response);
  }
}

/** geotiff over the guarded client: no multi-range requests, never the whole file. */
export function openRemoteTiff(url: string, access: RemoteAccess | undefined): Promise<GeoTIFF> {
  return fromCustomClient(new GuardedClient(url, access), { allowFullFile: false, maxRanges: 0 });
}
