import proj4 from 'proj4';
import { ShambaError } from '@shamba/schemas';

/**
 * Raster CRSs we read: WGS 84 / UTM north and south (EPSG 326zz, 327zz, as Sentinel-2 and
 * Landsat ship), and geographic WGS 84 (EPSG 4326). Fields are WGS 84 / CGCS2000 lon-lat,
 * which agree to centimetres.
 */
export function proj4For(epsg: number): string {
  if (epsg === 4326) return 'EPSG:4326';
  const zone = epsg % 100;
  if (
    (Math.floor(epsg / 100) === 326 || Math.floor(epsg / 100) === 327) &&
    zone >= 1 &&
    zone <= 60
  ) {
    return `+proj=utm +zone=${zone}${epsg >= 32700 ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  throw new ShambaError(
    'RASTER_UNSUPPORTED',
    `CRS EPSG:${epsg} (UTM on WGS 84 and EPSG:4326 are read)`,
  );
}

/** Lon-lat to the raster's CRS. */
export function projectorTo(epsg: number): (lonLat: [number, number]) => [number, number] {
  const converter = proj4('EPSG:4326', proj4For(epsg));
  return (lonLat) => converter.forward<[number, number]>(lonLat);
}
