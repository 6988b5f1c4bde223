import type { Scenario } from './scenario.js';

/**
 * A smallholder cooperative in the Central Rift Valley of Oromia, near Ziway (Batu), Ethiopia:
 * maize and teff on sandy-loam and loam plots of about a hectare, furrow and hand irrigation
 * from the lake. Two plots start dry and two after rain, so the demo shows both answers.
 */
export const OROMIA_DEMO: Scenario = {
  id: 'oromia-demo',
  seed: 2026,
  coop: {
    id: 'batu-coop',
    name: 'Batu Smallholder Irrigators Cooperative',
    countryCode: 'ET',
    timezone: 'Africa/Addis_Ababa',
  },
  site: { latitudeDeg: 7.93, longitudeDeg: 38.72, elevationM: 1640 },
  climate: { meanTempC: 21, diurnalHalfRangeC: 7, meanRhPct: 55, meanWindMs: 2.2 },
  farmers: [
    {
      id: 'farmer-tolosa',
      coopId: 'batu-coop',
      name: 'Tolosa Gemechu',
      phone: '+251911234501',
      language: 'om',
    },
    {
      id: 'farmer-almaz',
      coopId: 'batu-coop',
      name: 'Almaz Bekele',
      phone: '+251911234502',
      language: 'am',
    },
    {
      id: 'farmer-chaltu',
      coopId: 'batu-coop',
      name: 'Chaltu Abdisa',
      phone: '+251911234503',
      language: 'om',
    },
  ],
  fields: [
    {
      id: 'field-tolosa-maize',
      farmerId: 'farmer-tolosa',
      name: 'Tolosa lower maize',
      crop: 'maize',
      plantingDate: '2026-07-01',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [38.7201, 7.9312],
            [38.7212, 7.9314],
            [38.7215, 7.9305],
            [38.7203, 7.9302],
            [38.7201, 7.9312],
          ],
        ],
      },
      soil: { texture: 'sandy-loam', fieldCapacity: 0.23, wiltingPoint: 0.1 },
      rootDepthM: 0.6,
      irrigationMethod: 'furrow',
      initialDepletionFraction: 0.72,
      etcMmPerDay: 5.4,
    },
    {
      id: 'field-tolosa-teff',
      farmerId: 'farmer-tolosa',
      name: 'Tolosa teff by the track',
      crop: 'teff',
      plantingDate: '2026-07-20',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [38.7218, 7.9316],
            [38.7226, 7.9317],
            [38.7227, 7.9309],
            [38.7219, 7.9308],
            [38.7218, 7.9316],
          ],
        ],
      },
      soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
      rootDepthM: 0.5,
      irrigationMethod: 'hand',
      initialDepletionFraction: 0.1,
      etcMmPerDay: 4.2,
    },
    {
      id: 'field-almaz-maize',
      farmerId: 'farmer-almaz',
      name: 'Almaz maize, lakeside',
      crop: 'maize',
      plantingDate: '2026-06-25',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [38.7182, 7.9288],
            [38.7196, 7.9291],
            [38.7198, 7.9281],
            [38.7185, 7.9278],
            [38.718, 7.9283],
            [38.7182, 7.9288],
          ],
        ],
      },
      soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
      rootDepthM: 0.6,
      irrigationMethod: 'furrow',
      initialDepletionFraction: 0.05,
      etcMmPerDay: 5.6,
    },
    {
      id: 'field-chaltu-teff',
      farmerId: 'farmer-chaltu',
      name: 'Chaltu upper teff',
      crop: 'teff',
      plantingDate: '2026-07-15',
      boundary: {
        type: 'Polygon',
        coordinates: [
          [
            [38.7232, 7.9331],
            [38.7241, 7.9333],
            [38.7243, 7.9324],
            [38.7233, 7.9322],
            [38.7232, 7.9331],
          ],
        ],
      },
      soil: { texture: 'sandy-loam', fieldCapacity: 0.23, wiltingPoint: 0.1 },
      rootDepthM: 0.5,
      irrigationMethod: 'hand',
      initialDepletionFraction: 0.8,
      etcMmPerDay: 4.4,
    },
  ],
  // Four soil probes and one weather station per field: 20 devices.
  devices: [
    'field-tolosa-maize',
    'field-tolosa-teff',
    'field-almaz-maize',
    'field-chaltu-teff',
  ].flatMap((fieldId, f) => [
    ...[1, 2, 3, 4].map((n) => ({
      id: `probe-${f + 1}-${n}`,
      kind: 'soil-probe' as const,
      fieldId,
    })),
    { id: `wx-${f + 1}`, kind: 'weather-station' as const, fieldId },
  ]),
  rain: [{ dayOffset: 1, hour: 16, mm: 3 }],
};
