import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { BaseDecoder, addDecoder } from 'geotiff';
import { ShambaError } from '@shamba/schemas';

const inflateAsync = promisify(inflate);

/**
 * DEFLATE tiles and strips through Node's zlib instead of geotiff's pure-JavaScript inflater
 * (pako): native code, run on libuv's thread pool so tiles inflate in parallel and the event loop
 * stays free. Each block may inflate to no more than its declared size: a crafted block that
 * would expand past it (a "zip bomb") is refused instead of allocated.
 */
class NativeDeflateDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const p = this.parameters;
    const bits = typeof p.bitsPerSample === 'number' ? [p.bitsPerSample] : [...p.bitsPerSample];
    const samples = p.planarConfiguration === 2 ? 1 : (p.samplesPerPixel ?? bits.length);
    const bytesPerPixel = (bits.slice(0, samples).reduce((s, b) => s + b, 0) || 8 * samples) / 8;
    const expected = Math.ceil(p.tileWidth * p.tileHeight * bytesPerPixel);
    try {
      const out = await inflateAsync(new Uint8Array(buffer), { maxOutputLength: expected + 4096 });
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    } catch (cause) {
      throw new ShambaError(
        'RASTER_INVALID',
        (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
          ? `a DEFLATE block inflates past its declared ${expected} bytes`
          : `a DEFLATE block does not inflate: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

let registered = false;

/** Makes geotiff decode DEFLATE (compression 8 and 32946) with `NativeDeflateDecoder`. */
export function useNativeDeflate(): void {
  if (registered) return;
  addDecoder([8, 32946], () => Promise.resolve(NativeDeflateDecoder), undefined, false);
  registered = true;
}
