import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBand } from './scene-reader.js';
import { MAX_STAC_ITEM_BYTES, readSceneItem } from './stac-item.js';
import { encodeGeoTiff } from '../testing/tiff-writer.js';

// Uploaded and watch-folder items (issue 13 cases 1 and 7): capped in size before parsing, and
// asset hrefs that cannot reach outside the item's folder, refused without naming a path.
const root = realpathSync(mkdtempSync(join(tmpdir(), 'shamba-stac-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tif = encodeGeoTiff(
  {
    width: 4,
    height: 4,
    values: new Uint16Array(16).fill(1200),
    originX: 300_000,
    originY: 800_000,
    resolution: 10,
    epsg: 32637,
  },
  { tileSize: 16, compression: 'none', predictor: false },
);
// A TIFF outside every scene folder: what a traversal would want to register.
writeFileSync(join(root, 'x.tif'), tif);

let n = 0;
/** A scene folder two levels under `root` with B04.tif and an item whose B04 href is `href`. */
function sceneWith(href: string): string {
  const dir = join(root, 'scenes', `upload-${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'B04.tif'), tif);
  writeFileSync(
    join(dir, 'item.json'),
    JSON.stringify({
      id: `S2-${n}`,
      properties: { datetime: '2026-11-20T07:55:00Z' },
      assets: { B04: { href } },
    }),
  );
  return join(dir, 'item.json');
}

const refusedHref = {
  code: 'RASTER_INVALID',
  message:
    'asset "B04": an href must be a relative path inside the scene\'s folder or an http(s) URL',
};

describe('readSceneItem, local', () => {
  it('resolves a relative href inside the folder to the real file', async () => {
    const item = await readSceneItem(sceneWith('./B04.tif'));
    expect(item.bands.B04).toEqual({
      path: join(root, 'scenes', `upload-${n - 1}`, 'B04.tif'),
      scale: 1,
      offset: 0,
      nodata: null,
    });
  });

  it('refuses hrefs that leave the folder, absolute paths and file: URLs, naming no path', async () => {
    for (const href of [
      '../../x.tif',
      '../upload-0/B04.tif',
      '/etc/passwd',
      '/proc/self/environ',
      `${root}/x.tif`,
      'file:///etc/passwd',
      'FILE:/etc/passwd',
      'data:image/tiff;base64,AAAA',
      'B04.tif\0.json',
    ]) {
      const error = await readSceneItem(sceneWith(href)).catch((e: unknown) => e);
      expect(error, href).toMatchObject(refusedHref);
      expect((error as Error).message).not.toContain(root);
    }
  });

  it('refuses a symbolic link out of the folder, and a missing file without saying where', async () => {
    const linked = sceneWith('./B04.tif');
    rmSync(join(linked, '..', 'B04.tif'));
    symlinkSync(join(root, 'x.tif'), join(linked, '..', 'B04.tif'));
    await expect(readSceneItem(linked)).rejects.toMatchObject(refusedHref);
    const missing = await readSceneItem(sceneWith('./B08.tif')).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      code: 'RASTER_INVALID',
      message: 'asset "B04": no such file in the scene\'s folder',
    });
  });

  it('reads no band file that vanished after the item was read, naming no path', async () => {
    const itemPath = sceneWith('./B04.tif');
    const item = await readSceneItem(itemPath);
    rmSync(item.bands.B04!.path);
    const error = await readBand('B04', item.bands.B04!).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RASTER_INVALID',
      message: 'band B04: the file could not be read',
    });
  });

  it('refuses an item over 1 MiB before parsing it, and a FIFO without waiting on it', async () => {
    const dir = join(root, 'big');
    mkdirSync(dir);
    const big = join(dir, 'item.json');
    writeFileSync(big, `[${'0,'.repeat(MAX_STAC_ITEM_BYTES / 2)}0]`);
    const before = process.memoryUsage().rss;
    await expect(readSceneItem(big)).rejects.toMatchObject({
      code: 'RASTER_INVALID',
      message: 'STAC item larger than 1 MiB',
    });
    console.log(
      `item of ${MAX_STAC_ITEM_BYTES + 2} bytes refused: RSS ${before >> 20} -> ${process.memoryUsage().rss >> 20} MiB`,
    );
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    await expect(readSceneItem(fifo)).rejects.toMatchObject({
      code: 'RASTER_INVALID',
      message: 'the STAC item is not a file',
    });
  });

  it('refuses what is not a STAC item with a message about the item only', async () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    for (const [text, message] of [
      ['not json', 'not a STAC item'],
      ['null', 'not a STAC item'],
      [
        '{"id":"x","properties":{"datetime":"2026-01-01T00:00:00Z"}}',
        'a STAC item needs an id, properties.datetime and assets',
      ],
      [
        '{"id":"x","properties":{"datetime":"2026-01-01T00:00:00Z"},"assets":{"B04":{"href":7}}}',
        'asset "B04" has no href',
      ],
    ] as const) {
      writeFileSync(join(dir, 'item.json'), text);
      await expect(readSceneItem(join(dir, 'item.json')), text).rejects.toMatchObject({
        code: 'RASTER_INVALID',
        message,
      });
    }
  });
});
