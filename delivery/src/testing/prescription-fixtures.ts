import type {
  Coop,
  Field,
  IrrigationPrescription,
  NitrogenPrescription,
  NitrogenZone,
  ZonePrescription,
} from '@shamba/schemas';

// Prescriptions shaped as the analytics rules write them (analytics/src/rules/water-balance and
// nitrogen), cut to what a message reads. Used by this folder's tests only.

const AS_OF_MS = Date.UTC(2026, 11, 3, 6, 0, 0);

const base = {
  coopId: 'coop-oromia',
  createdAtMs: AS_OF_MS,
  asOfMs: AS_OF_MS,
  summary: '',
  parameters: {},
  provenance: {
    rule: { name: 'fao56-water-balance', version: '1.0.0' },
    parameterSet: 'built-in',
    sceneId: null,
    forecastIssuedAt: null,
  },
  inputs: { fromMs: 0, toMs: AS_OF_MS + 1, readingCount: 10, deviceIds: ['probe-1'] },
  steps: [],
};

const square = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [38.1, 8.9],
      [38.2, 8.9],
      [38.2, 9],
      [38.1, 8.9],
    ] as [number, number][],
  ],
};

/** The cooperative of these fixtures' fields: Addis Ababa time (UTC+3, no daylight saving). */
export const OROMIA_COOP: Coop = {
  id: 'coop-oromia',
  name: 'Oromia',
  countryCode: 'ET',
  timezone: 'Africa/Addis_Ababa',
};

/** Tolosa's maize: two zones, a 10 m3/h pump. */
export const MAIZE_FIELD: Field = {
  id: 'field-tolosa-maize',
  coopId: 'coop-oromia',
  farmerId: 'farmer-tolosa',
  name: 'Tolosa maize',
  crop: 'maize',
  plantingDate: '2026-09-01',
  areaHa: 0.5,
  boundary: square,
  soil: { texture: 'loam', fieldCapacity: 0.3, wiltingPoint: 0.12 },
  rootDepthM: 1,
  irrigationMethod: 'furrow',
  pumpFlowM3h: 10,
  zones: [
    { id: 'z-upper', name: 'upper', boundary: square, areaHa: 0.3 },
    { id: 'z-lower', name: 'lower', boundary: square, areaHa: 0.2 },
  ],
};

/** A zone told to irrigate today (FAO-56 refill), as zone-irrigation.ts writes it. */
export function irrigatedZone(over: Partial<ZonePrescription> = {}): ZonePrescription {
  return {
    zoneId: 'z-upper',
    areaHa: 0.3,
    action: 'irrigate',
    reason: 'depletion-above-raw',
    netDepthMm: 19.2,
    grossDepthMm: 32.4,
    volumeM3: 97.2,
    litres: 97_200,
    pumpMinutes: 583,
    irrigateBy: '2026-12-03',
    drMm: 19.2,
    rawMm: 15,
    tawMm: 30,
    drSource: 'sensor',
    urgency: 'today',
    daysBeforeStress: 0,
    expectedLossPctPerDayLate: 0.8,
    units: { amount: 583.2, unit: 'pump-minutes' },
    summary: '',
    steps: [],
    ...over,
  };
}

/** A zone with nothing to do yet. */
export function restingZone(over: Partial<ZonePrescription> = {}): ZonePrescription {
  return {
    ...irrigatedZone(),
    zoneId: 'z-lower',
    areaHa: 0.2,
    action: 'none',
    reason: 'not-yet',
    netDepthMm: 0,
    grossDepthMm: 0,
    volumeM3: 0,
    litres: 0,
    pumpMinutes: null,
    irrigateBy: '2026-12-07',
    urgency: 'by-date',
    daysBeforeStress: 4,
    expectedLossPctPerDayLate: null,
    units: null,
    ...over,
  };
}

export function irrigation(over: Partial<IrrigationPrescription> = {}): IrrigationPrescription {
  const zones = 'zones' in over ? over.zones : [irrigatedZone(), restingZone()];
  return {
    ...base,
    id: 'p-irrigation',
    kind: 'irrigation',
    fieldId: MAIZE_FIELD.id,
    action: 'irrigate',
    netDepthMm: 11.5,
    grossDepthMm: 19.4,
    volumeM3: 97.2,
    method: 'furrow',
    zones,
    feasibility: null,
    units: { amount: 583.2, unit: 'pump-minutes' },
    pumpMinutes: 583,
    urgency: 'today',
    expectedLossPctPerDayLate: 0.8,
    ...over,
  };
}

/** A zone's N by the sensor (OSU SBNRC), with urea for the zone's area, as n-dose.ts gives it. */
export function ratedZone(
  over: { zoneId?: string; areaHa?: number; nKgHa?: number } = {},
): NitrogenZone {
  const areaHa = over.areaHa ?? 0.3;
  const nKgHa = over.nKgHa ?? 46;
  const kgPerHa = nKgHa / 0.46;
  const kgPerPlot = Math.round(kgPerHa * areaHa * 2) / 2;
  return {
    zoneId: over.zoneId ?? 'z-upper',
    areaHa,
    status: 'ok',
    nKgHa,
    sceneId: 'scene-1',
    zoneNdvi: 0.55,
    referenceNdvi: 0.7,
    reference: 'best-zone',
    growingDays: 60,
    splits:
      nKgHa > 60
        ? [
            { share: 0.5, nKgHa: nKgHa / 2, when: 'now' },
            { share: 0.5, nKgHa: nKgHa / 2, when: 'in 14-21 days, before flowering' },
          ]
        : [{ share: 1, nKgHa, when: 'now' }],
    products: [
      {
        product: 'urea',
        name: 'urea 46-0-0',
        kgPerHa: Math.round(kgPerHa),
        kgPerPlot,
        bagsPerPlot: Math.round((kgPerPlot / 50) * 10) / 10,
      },
    ],
    summary: '',
    steps: [],
  };
}

export function nitrogen(over: Partial<NitrogenPrescription> = {}): NitrogenPrescription {
  const zones = over.zones ?? [
    ratedZone(),
    ratedZone({ zoneId: 'z-lower', areaHa: 0.2, nKgHa: 23 }),
  ];
  return {
    ...base,
    provenance: { ...base.provenance, rule: { name: 'osu-sbnrc-nitrogen', version: '2.0.0' } },
    id: 'p-nitrogen',
    kind: 'nitrogen',
    fieldId: MAIZE_FIELD.id,
    action: 'fertilise',
    nKgHa: 36.8,
    zones,
    ...over,
  };
}
