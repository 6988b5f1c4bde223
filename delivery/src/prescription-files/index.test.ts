import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { irrigationFixture, nitrogenFixture, zonedField } from './fixtures.js';
import { prescriptionFile } from './index.js';
import { shapefileColumns } from './shapefile.js';
import { zoneRates } from './zone-rates.js';

describe('prescriptionFile', () => {
  it('names each format and gives the same bytes for the same prescription', () => {
    const input = { prescription: irrigationFixture(), field: zonedField() };
    const files = (['geojson', 'shapefile', 'isoxml'] as const).map((format) => {
      const { fileName, contentType, bytes } = prescriptionFile(format, input);
      expect(prescriptionFile(format, input).bytes).toEqual(bytes);
      return [fileName, contentType];
    });
    expect(files).toEqual([
      ['field-z-irrigation-rx-water-1.geojson', 'application/geo+json'],
      ['field-z-irrigation-rx-water-1-shapefile.zip', 'application/zip'],
      ['field-z-irrigation-rx-water-1-isoxml.zip', 'application/zip'],
    ]);
    const shapefile = unzipSync(prescriptionFile('shapefile', input).bytes);
    expect(new TextDecoder().decode(shapefile['field-z-irrigation-rx-water-1.cpg'])).toBe('UTF-8');
    expect(new TextDecoder().decode(shapefile['field-z-irrigation-rx-water-1.prj'])).toMatch(
      /^GEOGCS\["GCS_WGS_1984",DATUM\["D_WGS_1984",SPHEROID\["WGS_1984",6378137.0,298.257223563\]\]/,
    );
  });

  it('refuses a prescription of another field', () => {
    let error: unknown;
    try {
      prescriptionFile('geojson', {
        prescription: { ...irrigationFixture(), fieldId: 'field-other' },
        field: zonedField(),
      });
    } catch (e) {
      error = e;
    }
    expect(isShambaError(error, 'INVALID_REQUEST')).toBe(true);
  });
});

describe('zoneRates', () => {
  it('carries kg N/ha when no product is named, and 0 with no-rate for a zone not prescribed', () => {
    const n = nitrogenFixture();
    const zones = n.zones.map((z) => ('products' in z ? { ...z, products: [] } : z));
    const field = zonedField();
    field.zones = [...field.zones!, { ...field.zones![1]!, id: 'zone-new' }];
    const rates = zoneRates({ ...n, zones }, field);
    expect([rates.unit, rates.product]).toEqual(['kg N/ha', null]);
    expect(rates.zones.map((z) => [z.zoneId, z.rate, z.status])).toEqual([
      ['zone-west', 46, 'n-budget'],
      ['zone-east', 0, 'no-rate'],
      ['zone-new', 0, 'no-rate'],
    ]);
    expect(shapefileColumns(rates).map((c) => c.name)).toEqual([
      'ZONE_ID',
      'FIELD_ID',
      'N_KG_HA',
      'AREA_HA',
      'STATUS',
    ]);
  });

  it('gives a zone that needs no water rate 0, whatever depth it carries', () => {
    const rx = irrigationFixture();
    rx.zones![1] = { ...rx.zones![1]!, action: 'none', grossDepthMm: 7 };
    expect(zoneRates(rx, zonedField()).zones.map((z) => [z.rate, z.status])).toEqual([
      [12.5, 'irrigate'],
      [0, 'none'],
    ]);
  });
});
