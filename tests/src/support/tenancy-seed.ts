import { hashSecret, generateSecret } from '@shamba/ingest';
import {
  DAY_MS,
  IrrigationPrescriptionSchema,
  YieldHistoryRowSchema,
  type IrrigationPrescription,
  type Principal,
} from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { newToken, type Registry } from '@shamba/storage';

/**
 * Objects of one cooperative for the tenancy matrix (tests/src/tenancy-matrix.e2e.test.ts): the
 * shared ones every reading cell uses, and fresh ones made for a single mutating cell, so that one
 * cell's DELETE or disable never changes another cell's outcome.
 */

/** The ids a cell's path, query and body are filled from (`{coopId}` is `coopId`, ...). */
export interface Target {
  coopId: string;
  fieldId: string;
  farmerId: string;
  deviceId: string;
  tokenId: string;
  jobId: string;
  prescriptionId: string;
  version: string;
  scene: string;
  /** A yield-history row's field id (history rows name fields that need not be registered). */
  historyField: string;
  format: string;
  /** Unique per call: ids of what a POST creates. */
  n: string;
}

/** What a mutating cell needs made for it, in the cooperative it acts on. */
export type Fresh = 'farmer' | 'field' | 'device' | 'token' | 'history';

const MORNING = Date.parse('2026-12-03T06:00:00Z');

/** A one-zone irrigation prescription of `fieldId` (0.5 ha, 20 mm), as the service stores one. */
export function irrigationPrescription(
  id: string,
  field: { id: string; coopId: string },
): IrrigationPrescription {
  const grossDepthMm = 20;
  const volumeM3 = grossDepthMm * 10 * 0.5; // 1 mm on 1 ha is 10 m3
  const units = { amount: (volumeM3 / 30) * 60, unit: 'pump-minutes' as const };
  const depths = { netDepthMm: grossDepthMm * 0.6, grossDepthMm, volumeM3 };
  return IrrigationPrescriptionSchema.parse({
    id,
    kind: 'irrigation',
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: MORNING,
    asOfMs: MORNING,
    summary: `irrigate ${grossDepthMm} mm`,
    parameters: {},
    provenance: {
      rule: { name: 'fao56-water-balance', version: '1.0.0' },
      parameterSet: 'built-in',
      sceneId: null,
      forecastIssuedAt: null,
    },
    inputs: { fromMs: 0, toMs: MORNING, readingCount: 12, deviceIds: [] },
    steps: [],
    revision: { number: 1, previousId: null, reasons: ['first'], changes: [] },
    action: 'irrigate',
    ...depths,
    method: 'furrow',
    units,
    pumpMinutes: units.amount,
    urgency: 'by-date',
    zones: [
      {
        zoneId: 'whole',
        areaHa: 0.5,
        action: 'irrigate',
        reason: 'depletion-reaches-raw',
        ...depths,
        litres: volumeM3 * 1000,
        pumpMinutes: units.amount,
        irrigateBy: '2026-12-04',
        drMm: 14,
        rawMm: 15,
        tawMm: 30,
        drSource: 'sensor',
        urgency: 'by-date',
        daysBeforeStress: 1,
        expectedLossPctPerDayLate: 0.5,
        units,
        summary: '',
        steps: [],
      },
    ],
  });
}

/** A token of `principal` for a day; its id (for `/v1/tokens/{tokenId}`) and its value. */
export async function addToken(registry: Registry, principal: Principal) {
  const { token, digest } = newToken();
  const record = await registry.tokens.add(digest, principal, {
    createdMs: Date.now(),
    expiresMs: Date.now() + DAY_MS,
  });
  return { id: record.id, token };
}

const HISTORY_VALUES = '4.1,60,78,300,12,0.8,0.8,0.6,0.9'.split(',');
const HISTORY_NUMBERS = [
  'yield_t_ha',
  'nitrogen_kg_ha',
  'taw_mm',
  'rain_mm',
  'gdd_per_day',
  'eta_over_etc',
  'ndvi_peak',
  'ndvi_integral',
  'rain_over_et0',
];

let made = 0;

/**
 * Makes, in `base.coopId`, the objects `fresh` names (each with an id never used before) and
 * answers `base` with them in place of the shared ones.
 */
export async function makeFresh(
  registry: Registry,
  base: Target,
  fresh: readonly Fresh[],
): Promise<Target> {
  const target = { ...base };
  const coopId = base.coopId;
  for (const kind of fresh) {
    const n = `${coopId.slice(-1)}${++made}`;
    if (kind === 'farmer') {
      target.farmerId = `fresh-farmer-${n}`;
      await registry.farmers.upsert({
        id: target.farmerId,
        coopId,
        name: 'Fresh',
        phone: `+2519200${String(made).padStart(5, '0')}`,
        language: 'om',
      });
    } else if (kind === 'field') {
      target.fieldId = `fresh-field-${n}`;
      await registry.fields.upsert(
        fieldFixture({ id: target.fieldId, coopId, farmerId: base.farmerId }),
      );
    } else if (kind === 'device') {
      target.deviceId = `fresh-probe-${n}`;
      await registry.devices.upsert({
        id: target.deviceId,
        coopId,
        fieldId: base.fieldId,
        zoneId: null,
        kind: 'soil-probe',
        secretHash: await hashSecret(generateSecret()),
      });
    } else if (kind === 'token') {
      const principal = { role: 'agronomist', coopId, farmerId: null, name: `fresh ${n}` } as const;
      target.tokenId = (await addToken(registry, principal)).id;
    } else {
      target.historyField = `fresh-history-${n}`;
      const row = Object.fromEntries(HISTORY_NUMBERS.map((k, i) => [k, HISTORY_VALUES[i]]));
      await registry.yieldHistory.put(coopId, [
        YieldHistoryRowSchema.parse({
          season: '2025-meher',
          field_id: target.historyField,
          crop: 'maize',
          ...row,
        }),
      ]);
    }
  }
  return target;
}
