import { BaseDecoder, addDecoder } from 'geotiff';
import { inflateBlock } from './inflate-pool.js';

/**
 * DEFLATE for the reads geotiff does itself (layouts the window reader leaves to it), through
 * the same native inflate pool and zip-bomb bound.
 */
class NativeDeflateDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const p = this.parameters;
    const bits = typeof p.bitsPerSample === 'number' ? [p.bitsPerSample] : [...p.bitsPerSample];
    const samples = p.planarConfiguration === 2 ? 1 : (p.samplesPerPixel ?? bits.length);
    const bytesPerPixel = (bits.slice(0, samples).reduce((s, b) => s + b, 0) || 8 * samples) / 8;
    const expected = Math.ceil(p.tileWidth * p.tileHeight * bytesPerPixel);
    return inflateBlock(new Uint8Array(buffer), expected);
  }
}

let registered = false;

/** Makes geotiff decode DEFLATE (compression 8 and 32946) with `NativeDeflateDecoder`. */
export function useNativeDeflate(): void {
  if (registered) return;
  addDecoder([8, 32946], () => Promise.resolve(NativeDeflateDecoder), undefined, false);
  registered = true;
}
