import { describe, expect, it } from 'vitest';
import { irrigationFixture, nitrogenFixture, zonedField } from './fixtures.js';
import { geojsonOf } from './geojson.js';
import { isClockwise } from './rings.js';
import { zoneRates } from './zone-rates.js';

describe('geojsonOf', () => {
  it('writes one feature per zone with the rate in mm, rate 0 and the status where there is none', () => {
    const collection = geojsonOf(zoneRates(irrigationFixture(), zonedField()));
    expect(collection.features.map((f) => f.properties)).toEqual([
      {
        zoneId: 'zone-west',
        fieldId: 'field-z',
        prescriptionId: 'rx-water-1',
        kind: 'irrigation',
        name: 'West',
        rate_mm: 12.5,
        rate_unit: 'mm',
        volume_m3: 127.5,
        area_ha: 1.02,
        status: 'irrigate',
      },
      {
        zoneId: 'zone-east',
        fieldId: 'field-z',
        prescriptionId: 'rx-water-1',
        kind: 'irrigation',
        name: 'East',
        rate_mm: 0,
        rate_unit: 'mm',
        volume_m3: 0,
        area_ha: 1.22,
        status: 'insufficient-data',
      },
    ]);
  });

  it('follows the right-hand rule: outer rings counter-clockwise, holes clockwise, all closed', () => {
    const collection = geojsonOf(zoneRates(irrigationFixture(), zonedField()));
    const rings = collection.features.map((f) => f.geometry.coordinates);
    expect(rings.map((polygon) => polygon.map(isClockwise))).toEqual([[false, true], [false]]);
    for (const ring of rings.flat()) expect(ring.at(-1)).toEqual(ring[0]);
  });

  it('writes a named product as the rate in kg/ha, with the N beside it', () => {
    const collection = geojsonOf(zoneRates(nitrogenFixture(), zonedField()));
    expect(
      collection.features.map((f) => ({
        rate: f.properties['rate_kg_ha'],
        n: f.properties['n_kg_ha'],
        product: f.properties['product'],
        status: f.properties['status'],
      })),
    ).toEqual([
      { rate: 100, n: 46, product: 'Urea', status: 'n-budget' },
      { rate: 0, n: 0, product: 'Urea', status: 'no-rate' },
    ]);
  });

  it('makes a field without zones one zone with the field id, and a zoneless rule every zone', () => {
    const { zones: _none, ...field } = zonedField();
    const { zones: _zones, ...sensorOnly } = irrigationFixture(8);
    const single = geojsonOf(zoneRates(sensorOnly, field));
    expect(single.features.map((f) => [f.properties['zoneId'], f.properties['rate_mm']])).toEqual([
      ['field-z', 8],
    ]);
    const zoned = geojsonOf(zoneRates(sensorOnly, zonedField()));
    expect(zoned.features.map((f) => [f.properties['zoneId'], f.properties['rate_mm']])).toEqual([
      ['zone-west', 8],
      ['zone-east', 8],
    ]);
  });
});
