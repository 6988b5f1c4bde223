import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { encodeBand } from '@shamba/world';
import { isShambaError } from '@shamba/schemas';
import { DEFAULT_BUDGET, bytesSource, validateTiff } from './tiff-guard.js';

type Entry = [tag: number, type: number, values: number[]];

/** A little-endian classic TIFF with one IFD at offset 8; values that do not fit inline follow it. */
function tiff(entries: Entry[], options: { nextIfd?: number; tail?: number } = {}): Uint8Array {
  const sizes: Record<number, number> = { 3: 2, 4: 4 };
  const ifdBytes = 2 + entries.length * 12 + 4;
  const outOfLine = entries.reduce(
    (n, [, type, values]) =>
      values.length * sizes[type]! > 4 ? n + values.length * sizes[type]! : n,
    0,
  );
  const out = new DataView(new ArrayBuffer(8 + ifdBytes + outOfLine + (options.tail ?? 0)));
  out.setUint8(0, 0x49);
  out.setUint8(1, 0x49);
  out.setUint16(2, 42, true);
  out.setUint32(4, 8, true);
  out.setUint16(8, entries.length, true);
  let dataAt = 8 + ifdBytes;
  entries.forEach(([tag, type, values], i) => {
    const at = 10 + i * 12;
    out.setUint16(at, tag, true);
    out.setUint16(at + 2, type, true);
    out.setUint32(at + 4, values.length, true);
    const size = sizes[type]!;
    const write = (offset: number, v: number) =>
      size === 2 ? out.setUint16(offset, v, true) : out.setUint32(offset, v, true);
    if (values.length * size <= 4) values.forEach((v, k) => write(at + 8 + k * size, v));
    else {
      out.setUint32(at + 8, dataAt, true);
      values.forEach((v, k) => write(dataAt + k * size, v));
      dataAt += values.length * size;
    }
  });
  out.setUint32(10 + entries.length * 12, options.nextIfd ?? 0, true);
  return new Uint8Array(out.buffer);
}

async function refusal(bytes: Uint8Array) {
  try {
    await validateTiff(bytesSource(bytes));
  } catch (error) {
    if (isShambaError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('TIFF structure guard', () => {
  it('accepts a real GeoTIFF and describes it; geotiff then decodes it', async () => {
    const data = Uint16Array.from({ length: 30 * 20 }, (_, i) => 1000 + i);
    const bytes = new Uint8Array(
      encodeBand(
        {
          band: 'B04',
          width: 30,
          height: 20,
          originX: 500_000,
          originY: 880_000,
          resolutionM: 10,
          data,
        },
        32637,
      ),
    );
    expect(await validateTiff(bytesSource(bytes))).toEqual([
      {
        width: 30,
        height: 20,
        samplesPerPixel: 1,
        bitsPerSample: [16],
        sampleFormat: [1],
        compression: 'none',
        tiled: false,
        blockWidth: 30,
        blockHeight: 20,
        blocks: 1,
      },
    ]);
    const image = await (await fromArrayBuffer(bytes.buffer)).getImage();
    expect(((await image.readRasters()) as unknown as Uint16Array[])[0]![599]).toBe(1599);
  });

  it('refuses an IFD chain that loops (a 50-byte file that hangs geotiff)', async () => {
    const looping = tiff(
      [
        [256, 3, [1]],
        [257, 3, [1]],
        [273, 4, [0]],
      ],
      { nextIfd: 8 },
    );
    expect(looping.length).toBe(50);
    expect(await refusal(looping)).toMatchObject({
      code: 'RASTER_INVALID',
      message: 'IFD chain loops back to offset 8',
    });
  });

  it('refuses a small file that declares a gigantic tile, before anything allocates it', async () => {
    const huge = tiff([
      [256, 4, [11_000]],
      [257, 4, [11_000]],
      [258, 3, [16]],
      [322, 4, [11_000]],
      [323, 4, [11_000]],
      [324, 4, [0]],
      [325, 4, [10]],
    ]);
    expect(huge.length).toBeLessThan(400);
    expect(await refusal(huge)).toMatchObject({
      code: 'RASTER_TOO_LARGE',
      message: expect.stringMatching(/11000 x 11000 block decodes to more than/) as unknown,
    });
    const gigapixel = tiff([
      [256, 4, [100_000]],
      [257, 4, [100_000]],
      [273, 4, [0]],
      [279, 4, [1]],
    ]);
    expect(await refusal(gigapixel)).toMatchObject({
      code: 'RASTER_TOO_LARGE',
      message: `100000 x 100000 x 1 is over the ${DEFAULT_BUDGET.maxPixels}-pixel budget`,
    });
  });

  it('refuses truncated files and offsets past the end', async () => {
    const data = Uint16Array.from({ length: 100 * 100 }, () => 5);
    const whole = new Uint8Array(
      encodeBand(
        { band: 'B08', width: 100, height: 100, originX: 0, originY: 0, resolutionM: 10, data },
        32637,
      ),
    );
    expect(await refusal(whole.subarray(0, 5000))).toMatchObject({ code: 'RASTER_INVALID' });
    expect(await refusal(Uint8Array.of(0x49, 0x49, 42, 0, 200, 0, 0, 0))).toMatchObject({
      code: 'RASTER_INVALID',
      message: expect.stringMatching(/beyond the end/) as unknown,
    });
  });

  it.each([
    ['not a TIFF', new TextEncoder().encode('GIF89a........'), 'RASTER_INVALID', /byte-order/],
    [
      'a wrong magic number',
      Uint8Array.of(0x49, 0x49, 41, 0, 8, 0, 0, 0, 0, 0),
      'RASTER_INVALID',
      /magic 41/,
    ],
    [
      'an unknown compression',
      tiff([
        [256, 3, [4]],
        [257, 3, [4]],
        [258, 3, [8]],
        [259, 3, [99]],
        [273, 4, [0]],
        [279, 4, [16]],
      ]),
      'RASTER_UNSUPPORTED',
      /compression 99/,
    ],
    [
      '12-bit samples',
      tiff([
        [256, 3, [4]],
        [257, 3, [4]],
        [258, 3, [12]],
        [273, 4, [0]],
        [279, 4, [16]],
      ]),
      'RASTER_UNSUPPORTED',
      /12 bits per sample/,
    ],
    [
      'block counts that do not match',
      tiff([
        [256, 3, [4]],
        [257, 3, [4]],
        [258, 3, [8]],
        [278, 3, [1]],
        [273, 4, [0]],
        [279, 4, [4]],
      ]),
      'RASTER_INVALID',
      /1 block offsets and 1 byte counts for 4 blocks/,
    ],
  ])('refuses %s', async (_label, bytes, code, message) => {
    const result = await refusal(bytes);
    expect(result.code).toBe(code);
    expect(result.message).toMatch(message);
  });
});
