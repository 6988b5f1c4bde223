import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { BANDS, DN_OFFSET, DN_SCALE, type BandName, type Raster, type Scene } from './scene.js';

/** GeoTIFF tags for one band: UTM GeoKeys, pixel-is-area, a tie point and the pixel size. */
export function encodeBand(raster: Raster, epsg: number): ArrayBuffer {
  // SCL holds class numbers: one byte, as ESA ships it.
  const scl = raster.band === 'SCL';
  return writeArrayBuffer(scl ? Uint8Array.from(raster.data) : raster.data, {
    width: raster.width,
    height: raster.height,
    BitsPerSample: [scl ? 8 : 16],
    SampleFormat: [1],
    // GeoTIFF 1.1 (OGC 19-008r4): GTModelType 1 projected, GTRasterType 1 pixel-is-area.
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
    ProjectedCSTypeGeoKey: epsg,
    ModelPixelScale: [raster.resolutionM, raster.resolutionM, 0],
    ModelTiepoint: [0, 0, 0, raster.originX, raster.originY, 0],
    GDAL_NODATA: '0',
  });
}

/**
 * Writes a scene as Sentinel-2 distributes it, one file per band (`<id>_B04.tif`, ...), with a
 * STAC item beside them (`<id>.json`: acquisition time, CRS, cloud cover, band names, scale and
 * offset), which is what the raster pipeline reads the metadata from.
 */
export function writeScene(scene: Scene, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const assets: Record<string, unknown> = {};
  for (const band of Object.keys(BANDS) as BandName[]) {
    const file = `${scene.id}_${band}.tif`;
    writeFileSync(join(outDir, file), Buffer.from(encodeBand(scene.bands[band], scene.utm.epsg)));
    written.push(join(outDir, file));
    const info = BANDS[band];
    assets[band] = {
      href: `./${file}`,
      type: 'image/tiff; application=geotiff',
      roles: ['data'],
      'eo:bands': [
        {
          name: band,
          common_name: info.name,
          ...(info.centreNm === null ? {} : { center_wavelength: info.centreNm / 1000 }),
        },
      ],
      'raster:bands': [
        band === 'SCL'
          ? { nodata: 0, data_type: 'uint8', spatial_resolution: info.resolutionM }
          : {
              nodata: 0,
              data_type: 'uint16',
              spatial_resolution: info.resolutionM,
              scale: 1 / DN_SCALE,
              offset: -DN_OFFSET / DN_SCALE,
            },
      ],
    };
  }
  const item = {
    type: 'Feature',
    stac_version: '1.0.0',
    id: scene.id,
    properties: {
      datetime: new Date(scene.acquiredMs).toISOString(),
      platform: 'sentinel-2-simulated',
      'eo:cloud_cover': scene.cloudCoverPct,
      'proj:epsg': scene.utm.epsg,
    },
    assets,
  };
  const itemPath = join(outDir, `${scene.id}.json`);
  writeFileSync(itemPath, `${JSON.stringify(item, null, 2)}\n`);
  written.push(itemPath);
  return written;
}
