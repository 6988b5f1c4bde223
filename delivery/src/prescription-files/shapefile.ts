import { zipSync } from 'fflate';
import { writeDbf, type DbfField } from './dbf.js';
import { zipTime } from './zip-time.js';
import { polygonRecord, writeShp } from './shp.js';
import type { RateFile, RateUnit } from './zone-rates.js';

/**
 * The ESRI WKT of WGS 84 geographic coordinates, as ArcGIS writes it in a .prj (the
 * `GCS_WGS_1984` names, not the OGC `WGS 84`): GDAL reads it as EPSG:4326.
 */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

/** The .cpg: the code page of the .dbf's text (ESRI's convention, read by GDAL and QGIS). */
export const CPG_UTF8 = 'UTF-8';

/** The one rate column, its unit in its name (dBASE III: 10 characters at most). */
export const SHAPEFILE_RATE_COLUMN: Record<RateUnit, string> = {
  mm: 'RATE_MM',
  'kg N/ha': 'N_KG_HA',
  'kg/ha': 'PRD_KG_HA',
};

// Ids are at most 64 characters (IdSchema); 254 is dBASE III's widest character field.
const ID_FIELD = { type: 'C', length: 64, decimals: 0 } as const;
// 12 digits with 2 decimals: up to 999,999,999.99, far above any rate or area.
const NUMBER_FIELD = { type: 'N', length: 12, decimals: 2 } as const;
const AREA_FIELD = { type: 'N', length: 12, decimals: 4 } as const;

/** The columns: ZONE_ID, FIELD_ID, the rate, AREA_HA, STATUS (and PRODUCT for a product rate). */
export function shapefileColumns(file: RateFile): DbfField[] {
  return [
    { name: 'ZONE_ID', ...ID_FIELD },
    { name: 'FIELD_ID', ...ID_FIELD },
    { name: SHAPEFILE_RATE_COLUMN[file.unit], ...NUMBER_FIELD },
    { name: 'AREA_HA', ...AREA_FIELD },
    { name: 'STATUS', type: 'C', length: 32, decimals: 0 },
    ...(file.product === null
      ? []
      : [{ name: 'PRODUCT', type: 'C', length: 100, decimals: 0 } as const]),
  ];
}

/** The five files of the shapefile, named `<base>.shp` and so on, in WGS 84. */
export function shapefileParts(file: RateFile, base: string): Record<string, Uint8Array> {
  const { shp, shx } = writeShp(file.zones.map((z) => polygonRecord([z.boundary])));
  const rows = file.zones.map((z) => [
    z.zoneId,
    file.fieldId,
    z.rate,
    z.areaHa,
    z.status,
    ...(file.product === null ? [] : [file.product.name]),
  ]);
  const text = new TextEncoder();
  return {
    [`${base}.shp`]: shp,
    [`${base}.shx`]: shx,
    [`${base}.dbf`]: writeDbf(shapefileColumns(file), rows, new Date(file.createdAtMs)),
    [`${base}.prj`]: text.encode(WGS84_PRJ),
    [`${base}.cpg`]: text.encode(CPG_UTF8),
  };
}

/**
 * The zipped shapefile. The entries' time is the prescription's, so the same prescription
 * gives the same bytes (and the same ETag) on every request.
 */
export function shapefileZip(file: RateFile, base: string): Uint8Array {
  return zipSync(shapefileParts(file, base), { mtime: zipTime(file.createdAtMs) });
}
