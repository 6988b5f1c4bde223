import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A hostile scene in `dir`: a STAC item whose B04 and B08 are a 50-byte TIFF whose IFD chain
 * points at itself, the file that makes a naive decoder loop forever.
 */
export function writeLoopingIfdScene(dir: string, options: { id: string; datetime: string }): void {
  mkdirSync(dir, { recursive: true });
  const loop = Buffer.alloc(50);
  loop.write('II', 0, 'latin1');
  loop.writeUInt16LE(42, 2);
  loop.writeUInt32LE(8, 4);
  loop.writeUInt16LE(3, 8);
  loop.writeUInt32LE(8, 46); // next IFD: itself
  writeFileSync(join(dir, 'B04.tif'), loop);
  writeFileSync(join(dir, 'B08.tif'), loop);
  writeFileSync(
    join(dir, 'item.json'),
    JSON.stringify({
      id: options.id,
      properties: { datetime: options.datetime },
      assets: { B04: { href: './B04.tif' }, B08: { href: './B08.tif' } },
    }),
  );
}
