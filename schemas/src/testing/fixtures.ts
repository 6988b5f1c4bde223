import type { Field } from '../registry/entities.js';

/**
 * A field for tests: a 1 ha maize plot on loam near Ziway (FAO-56 Table 19: FC 0.25, WP 0.12),
 * roots to 0.6 m, furrow-irrigated. Tests override what their assertions depend on.
 */
export function fieldFixture(overrides: Partial<Field> = {}): Field {
  return {
    id: 'field-1',
    coopId: 'coop-a',
    farmerId: 'farmer-1',
    name: 'Lower maize',
    crop: 'maize',
    plantingDate: '2026-07-01',
    areaHa: 1,
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [38.72, 7.93],
          [38.721, 7.93],
          [38.721, 7.931],
          [38.72, 7.93],
        ],
      ],
    },
    soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
    rootDepthM: 0.6,
    irrigationMethod: 'furrow',
    ...overrides,
  };
}
