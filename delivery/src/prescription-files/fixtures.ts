// Test fixtures: a field of two zones, one with a hole, rings drawn in both orientations (the
// writers must orient them), and one prescription of each kind with a zone that has no rate.
import type {
  Field,
  IrrigationPrescription,
  NitrogenPrescription,
  Polygon,
  ZonePrescription,
} from '@shamba/schemas';

/** West half, outer ring clockwise (against RFC 7946), its hole counter-clockwise. */
export const ZONE_WEST: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [38.72, 7.93],
      [38.72, 7.931],
      [38.721, 7.931],
      [38.721, 7.93],
      [38.72, 7.93],
    ],
    [
      [38.7203, 7.9303],
      [38.7207, 7.9303],
      [38.7207, 7.9307],
      [38.7203, 7.9307],
      [38.7203, 7.9303],
    ],
  ],
};

/** East half, counter-clockwise and not closed (the writers close it). */
export const ZONE_EAST: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [38.721, 7.93],
      [38.722, 7.93],
      [38.722, 7.931],
      [38.721, 7.931],
    ],
  ],
};

export function zonedField(): Field {
  return {
    id: 'field-z',
    coopId: 'coop-a',
    farmerId: 'farmer-1',
    name: 'Two zones',
    crop: 'maize',
    plantingDate: '2026-07-01',
    areaHa: 2.44,
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [38.72, 7.93],
          [38.72, 7.931],
          [38.722, 7.931],
          [38.722, 7.93],
          [38.72, 7.93],
        ],
      ],
    },
    soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
    rootDepthM: 0.6,
    irrigationMethod: 'drip',
    zones: [
      { id: 'zone-west', name: 'West', boundary: ZONE_WEST, areaHa: 1.02 },
      { id: 'zone-east', name: 'East', boundary: ZONE_EAST, areaHa: 1.22 },
    ],
  };
}

const base = {
  fieldId: 'field-z',
  coopId: 'coop-a',
  createdAtMs: Date.UTC(2026, 7, 12, 6),
  asOfMs: Date.UTC(2026, 7, 12, 5),
  summary: 'test',
  parameters: {},
  provenance: {
    rule: { name: 'test', version: '1' },
    parameterSet: 'built-in',
    sceneId: null,
    forecastIssuedAt: null,
  },
  inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
  steps: [],
};

function zoneWater(zoneId: string, areaHa: number, grossDepthMm: number): ZonePrescription {
  return {
    zoneId,
    areaHa,
    action: grossDepthMm > 0 ? 'irrigate' : 'insufficient-data',
    reason: 'test',
    netDepthMm: grossDepthMm * 0.9,
    grossDepthMm,
    volumeM3: grossDepthMm * areaHa * 10,
    litres: grossDepthMm * areaHa * 10_000,
    pumpMinutes: null,
    irrigateBy: null,
    drMm: null,
    rawMm: null,
    tawMm: null,
    drSource: null,
    summary: 'test',
    steps: [],
  };
}

/** West gets `westMm`; east has insufficient data (rate 0). */
export function irrigationFixture(westMm = 12.5): IrrigationPrescription {
  return {
    ...base,
    id: 'rx-water-1',
    kind: 'irrigation',
    action: 'irrigate',
    netDepthMm: westMm * 0.9,
    grossDepthMm: westMm,
    volumeM3: westMm * 1.02 * 10,
    method: 'drip',
    zones: [zoneWater('zone-west', 1.02, westMm), zoneWater('zone-east', 1.22, 0)],
  };
}

/** West 46 kg N/ha as 100 kg/ha of urea; east has no N budget (rate 0). */
export function nitrogenFixture(): NitrogenPrescription {
  return {
    ...base,
    id: 'rx-n-1',
    kind: 'nitrogen',
    action: 'fertilise',
    nKgHa: 22.7,
    zones: [
      {
        zoneId: 'zone-west',
        areaHa: 1.02,
        status: 'n-budget',
        nKgHa: 46,
        reason: 'no usable scene',
        splits: [],
        products: [
          { product: 'urea', name: 'Urea', kgPerHa: 100, kgPerPlot: 120, bagsPerPlot: 2.4 },
        ],
        summary: 'test',
        steps: [],
      },
      { zoneId: 'zone-east', areaHa: 1.22, status: 'no-rate', reason: 'no N budget for the crop' },
    ],
  };
}
