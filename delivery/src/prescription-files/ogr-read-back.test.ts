// The files read back by an independent reader: GDAL's ogrinfo (Debian gdal-bin). Areas come
// from SpatiaLite's geodesic ST_Area(geometry, 1) through ogrinfo's SQLite dialect.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import turfArea from '@turf/area';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { Field, Prescription } from '@shamba/schemas';
import { irrigationFixture, nitrogenFixture, zonedField } from './fixtures.js';
import { prescriptionFile } from './index.js';

const OGRINFO = '/usr/bin/ogrinfo';

type Row = Record<string, string>;

/** The features of an ogrinfo SQL answer, each `name (Type) = value` line as name: value. */
function ogrSql(path: string, sql: string): Row[] {
  const text = execFileSync(OGRINFO, ['-q', '-dialect', 'SQLite', '-sql', sql, path], {
    encoding: 'utf8',
  });
  return text
    .split(/OGRFeature\(SELECT\):\d+\n/)
    .slice(1)
    .map((block) =>
      Object.fromEntries(
        [...block.matchAll(/^ {2}(\w+) \(\w+\) = (.*)$/gm)].map((m) => [m[1]!, m[2]!]),
      ),
    );
}

/** Layer summary: geometry type and SRS as ogrinfo reports them. */
const ogrSummary = (path: string) =>
  execFileSync(OGRINFO, ['-so', '-al', path], { encoding: 'utf8' });

describe.runIf(existsSync(OGRINFO) || process.env.CI)('prescription files read by ogrinfo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-rx-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function written(format: 'geojson' | 'shapefile', prescription: Prescription, field: Field) {
    const file = prescriptionFile(format, { prescription, field });
    if (format === 'geojson') {
      const path = join(dir, file.fileName);
      writeFileSync(path, file.bytes);
      return { path, layer: file.fileName.replace(/\.geojson$/, '') };
    }
    const parts = unzipSync(file.bytes);
    expect(
      Object.keys(parts)
        .map((name) => name.slice(name.lastIndexOf('.')))
        .sort(),
    ).toEqual(['.cpg', '.dbf', '.prj', '.shp', '.shx']);
    for (const [name, bytes] of Object.entries(parts)) writeFileSync(join(dir, name), bytes);
    const shp = Object.keys(parts).find((name) => name.endsWith('.shp'))!;
    return { path: join(dir, shp), layer: shp.replace(/\.shp$/, '') };
  }

  const field = zonedField();
  // turf needs closed rings (the east zone is drawn open): close them here, not with ours.
  const closed = (ring: [number, number][]) =>
    ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring : [...ring, ring[0]!];
  const expectedAreasM2 = field.zones!.map((z) =>
    turfArea({ type: 'Polygon', coordinates: z.boundary.coordinates.map(closed) }),
  );
  const cases = [
    { format: 'geojson', prescription: irrigationFixture(), columns: ['zoneId', 'rate_mm'] },
    { format: 'shapefile', prescription: irrigationFixture(), columns: ['ZONE_ID', 'RATE_MM'] },
    { format: 'geojson', prescription: nitrogenFixture(), columns: ['zoneId', 'rate_kg_ha'] },
    { format: 'shapefile', prescription: nitrogenFixture(), columns: ['ZONE_ID', 'PRD_KG_HA'] },
  ] as const;

  for (const { format, prescription, columns } of cases)
    it(`reads the ${prescription.kind} ${format}: zones, rates, polygons with their holes, areas`, () => {
      const { path, layer } = written(format, prescription, field);
      const [id, rate] = columns;
      const rows = ogrSql(
        path,
        `SELECT ${id} AS zone, ${rate} AS rate, ST_GeometryType(geometry) AS type, ` +
          `ST_NumInteriorRing(geometry) AS holes, ST_Area(geometry, 1) AS area_m2 FROM "${layer}"`,
      );
      const rates = prescription.kind === 'irrigation' ? ['12.5', '0'] : ['100', '0'];
      expect(rows.map(({ area_m2: _, ...row }) => row)).toEqual([
        // West has its hole: read as an interior ring, so the writer's orientation held.
        { zone: 'zone-west', rate: rates[0], type: 'POLYGON', holes: '1' },
        { zone: 'zone-east', rate: rates[1], type: 'POLYGON', holes: '0' },
      ]);
      // Geodesic (SpatiaLite) against spherical (turf): within 0.5% at this latitude.
      rows.forEach((row, i) =>
        expect(Number(row['area_m2']) / expectedAreasM2[i]!).toBeCloseTo(1, 2),
      );
      const summary = ogrSummary(path);
      expect(summary).toMatch(/Geometry: Polygon\n/);
      expect(summary).toMatch(/Feature Count: 2\n/);
      expect(summary).toContain('ID["EPSG",4326]');
    });

  it('gives the same geodesic areas from the GeoJSON and the shapefile', () => {
    const areas = (['geojson', 'shapefile'] as const).map((format) => {
      const { path, layer } = written(format, irrigationFixture(), field);
      return ogrSql(path, `SELECT ST_Area(geometry, 1) AS a FROM "${layer}"`).map((r) =>
        Number(r['a']),
      );
    });
    expect(areas[1]![0]).toBeCloseTo(areas[0]![0]!, 3);
    expect(areas[1]![1]).toBeCloseTo(areas[0]![1]!, 3);
  });
});
