import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateBlock } from './inflate-pool.js';

describe('inflate pool', () => {
  it('inflates blocks in parallel, each to its bytes', async () => {
    const blocks = Array.from({ length: 12 }, (_, i) => Buffer.alloc(70_000 + i, i));
    const out = await Promise.all(blocks.map((b) => inflateBlock(deflateSync(b), b.length)));
    out.forEach((bytes, i) => expect(Buffer.from(bytes).equals(blocks[i]!)).toBe(true));
  });

  it("leaves the caller's bytes usable (a small Buffer shares Node's pool with others)", async () => {
    const compressed = Buffer.from(deflateSync(Buffer.from('a short tile'))); // from the pool
    const neighbour = Buffer.from('in the same pool');
    await inflateBlock(compressed, 12);
    expect(compressed.byteLength).toBeGreaterThan(0);
    expect(neighbour.toString()).toBe('in the same pool');
    expect(Buffer.from(await inflateBlock(compressed, 12)).toString()).toBe('a short tile');
  });

  it('refuses what does not inflate, and a block that inflates past its declared size', async () => {
    await expect(inflateBlock(Buffer.from('not deflate at all'), 100)).rejects.toMatchObject({
      code: 'RASTER_INVALID',
    });
    const bomb = deflateSync(Buffer.alloc(8 * 2 ** 20));
    await expect(inflateBlock(bomb, 64 * 1024)).rejects.toMatchObject({
      code: 'RASTER_INVALID',
      message: expect.stringContaining('past its declared') as unknown,
    });
    // The pool still serves after a refusal.
    const ok = Buffer.alloc(1000, 3);
    expect(Buffer.from(await inflateBlock(deflateSync(ok), 1000)).equals(ok)).toBe(true);
  });
});
