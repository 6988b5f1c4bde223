import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { IrrigationPrescription } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { type Registry, type TimeSeriesStore } from '@shamba/storage';
import { waterBalanceRule } from '../rules/water-balance/water-balance-rule.js';
import type { AnyPrescriptionRule } from '../rules/rule.js';
import { createWorkerPool, type WorkerPool } from '../worker/worker-pool.js';
import {
  createPrescriptionService,
  type PrescriptionServiceOptions,
} from './prescription-service.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const COOP = 'coop-a';

describe('prescription history', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let pool: WorkerPool;

  beforeEach(async () => {
    stores = await openTempStores('shamba-rx-history-');
    ({ registry, store } = stores);
    pool = await createWorkerPool({ size: 0 });
  });
  afterEach(async () => {
    await pool.close();
    await stores.close();
  });

  /**
   * A cooperative station with three complete dry days, one maize field on loam sown before them
   * (FC 0.25, roots 0.6 m), and its probe at the end: theta 0.19, Dr = 1000 (0.25 - 0.19) 0.6 =
   * 36 mm (FAO-56 eq. 87 as the rule reads a probe).
   */
  async function seed(): Promise<number> {
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.devices.upsert(weatherStationFixture({ coopId: COOP }));
    await registry.fields.upsert(fieldFixture({ coopId: COOP, plantingDate: '2026-07-01' }));
    await registry.devices.upsert({
      id: 'probe-1',
      coopId: COOP,
      fieldId: 'field-1',
      zoneId: null,
      kind: 'soil-probe',
      secretHash: 'sha256$probe-1',
    });
    const readings = stationReadings(['2026-08-10', '2026-08-11', '2026-08-12'], {
      coopId: COOP,
      utcOffsetMinutes: EAT,
    });
    const asOfMs = readings.at(-1)!.timeMs;
    await store.write([
      ...readings,
      {
        deviceId: 'probe-1',
        stream: 'soil',
        timeMs: asOfMs,
        seq: 1,
        values: { vwc10: 0.19, vwc30: 0.19, vwc60: 0.19 },
        coopId: COOP,
        fieldId: 'field-1',
        zoneId: null,
        receivedMs: asOfMs,
      },
    ]);
    return asOfMs;
  }

  const service = (clock: () => number, more: Partial<PrescriptionServiceOptions> = {}) =>
    createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock,
      ...more,
    });

  const irrigationIds = async () =>
    (await registry.prescriptions.history('field-1', { kind: 'irrigation' })).map((p) => p.id);

  it('makes each recompute a new version that says why it was made and what changed', async () => {
    const asOfMs = await seed();
    // Every pass in the same millisecond: versions never share an id even so.
    await using rx = service(() => asOfMs + 60_000);
    const first = (await rx.runOnce()).find((p) => p.kind === 'irrigation')!;
    // Built-in maize p 0.55: RAW above Dr, no water yet.
    expect([first.action, first.grossDepthMm]).toEqual(['none', 0]);

    // Same readings, a new parameter set (p 0.2: RAW below Dr): made again, and now irrigate.
    await registry.parameterSets.add(
      COOP,
      { note: 'sandy', crops: { maize: { depletionFraction: 0.2 } } },
      { author: 'Dr. Alemu', atMs: asOfMs },
    );
    const second = (await rx.runOnce()).find((p) => p.kind === 'irrigation')!;
    expect(second.action).toBe('irrigate');
    expect(second.revision).toEqual({
      number: 2,
      previousId: first.id,
      reasons: ['parameter set built-in → coop-a@1'],
      changes: [
        { what: 'action', from: 'none', to: 'irrigate' },
        { what: 'grossDepthMm', from: 0, to: second.grossDepthMm },
        { what: 'volumeM3', from: 0, to: second.volumeM3 },
      ],
    });
    expect(second.grossDepthMm).toBeGreaterThan(0);

    // Asked for again with nothing new: a third version, the same advice, and the reason given.
    const [third] = (await rx.recompute('field-1', 'zones applied')).filter(
      (p) => p.kind === 'irrigation',
    );
    expect(third!.revision).toEqual({
      number: 3,
      previousId: second.id,
      reasons: ['zones applied'],
      changes: [],
    });

    expect(new Set([first.id, second.id, third!.id]).size).toBe(3);
    expect(await irrigationIds()).toEqual([third!.id, second.id, first.id]);
    expect(await registry.prescriptions.get(first.id)).toEqual(first);
    expect(await registry.prescriptions.latest('field-1', 'irrigation')).toEqual(third);
  });

  it("stores a pass's second step in place of its first: one version per pass", async () => {
    const asOfMs = await seed();
    // The water balance with a second step that remakes each field it made (as the fusion
    // model does), under the rule's own id and with 5 mm more.
    const remaking: AnyPrescriptionRule = {
      ...waterBalanceRule,
      afterPass: async (entries) =>
        entries
          .filter((e) => e.plan !== undefined)
          .map((e) => {
            const { revision, ...made } = e.prescription as IrrigationPrescription;
            void revision;
            return {
              ...made,
              id: 'the-rules-own-id',
              summary: 'fused',
              grossDepthMm: made.grossDepthMm + 5,
            };
          }),
    };
    let n = 0;
    await using rx = service(() => asOfMs + 60_000, {
      rules: [remaking],
      uniqueId: () => `u${++n}`,
    });
    const [first] = await rx.runOnce();
    expect([first!.summary, (first as IrrigationPrescription).grossDepthMm]).toEqual(['fused', 5]);
    expect(first!.id).toBe('field-1:irrigation:u1');
    expect(first!.revision).toEqual({
      number: 1,
      previousId: null,
      reasons: ['first irrigation prescription of the field'],
      changes: [],
    });
    expect(await irrigationIds()).toEqual([first!.id]);
    expect(await registry.prescriptions.get(first!.id)).toEqual(first);

    // Made again: its first step (0 mm) is replaced by its second (5 mm), which is what is
    // compared with the previous version (5 mm): nothing changed.
    const [second] = await rx.recompute('field-1', 'probe moved');
    expect(second!.revision).toEqual({
      number: 2,
      previousId: first!.id,
      reasons: ['probe moved'],
      changes: [],
    });
    expect(await irrigationIds()).toEqual(['field-1:irrigation:u2', 'field-1:irrigation:u1']);
    expect(await registry.prescriptions.latest('field-1', 'irrigation')).toEqual(second);
  });
});
