import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPrescriptionService,
  createWorkerPool,
  type PrescriptionService,
  type WorkerPool,
} from '@shamba/analytics';
import { createDeliveryService, createSmppGateway, type DeliveryService } from '@shamba/delivery';
import { createFakeSmsc, type FakeSmsc } from '@shamba/delivery/testing';
import type { IrrigationPrescription } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
// Forty dry days from sowing: the root zone dries past RAW.
const DAYS = Array.from({ length: 40 }, (_, i) =>
  new Date(Date.UTC(2026, 7, 10 + i)).toISOString().slice(0, 10),
);

// A farmer's `DONE 25` is an irrigation of 25 mm in the field's water balance: the next
// prescription's depletion, and so its net depth, is 25 mm less (FAO-56 eq. 85: Dr,i = Dr,i-1
// - P - I + ETc, with no runoff or deep percolation while Dr stays above 25 mm).
describe('a DONE reply by SMS enters the water balance', () => {
  let stores: TempStores;
  let pool: WorkerPool;
  let service: PrescriptionService;
  let smsc: FakeSmsc;
  let delivery: DeliveryService;
  let nowMs: number;

  beforeAll(async () => {
    stores = await openTempStores('shamba-sms-done-');
    const { registry, store } = stores;
    await registry.coops.upsert(coopFixture());
    await registry.devices.upsert(weatherStationFixture());
    // Sown the day the station's record starts: the balance runs from sowing.
    await registry.fields.upsert(fieldFixture({ plantingDate: DAYS[0]! }));
    await registry.farmers.upsert({
      id: 'farmer-1',
      coopId: 'coop-a',
      name: 'Farmer One',
      phone: '+251911000001',
      language: 'en',
      consent: { state: 'opted-in', at: '2026-06-01T00:00:00.000Z', source: 'test' },
    });
    const readings = stationReadings(DAYS, { coopId: 'coop-a', utcOffsetMinutes: EAT });
    await store.write(readings);
    nowMs = readings.at(-1)!.timeMs;
    pool = await createWorkerPool({ size: 0 });
    const logger = pino({ level: 'silent' });
    service = createPrescriptionService({ registry, store, pool, logger, clock: () => nowMs });
    smsc = await createFakeSmsc();
    delivery = await createDeliveryService({
      registry,
      store,
      logger,
      clock: () => nowMs,
      sms: await createSmppGateway({ url: smsc.url(), logger, sourceAddr: 'Shamba' }),
      recompute: (fieldId, reason) => service.recompute(fieldId, reason),
    });
  });
  afterAll(async () => {
    await delivery.close();
    await smsc.close();
    await service.close();
    await pool.close();
    await stores.close();
  });

  it('lowers the next prescription by the 25 mm the farmer reported', async () => {
    await service.runOnce();
    const before = (await stores.registry.prescriptions.latest(
      'field-1',
      'irrigation',
    )) as IrrigationPrescription;
    expect(before.action, JSON.stringify(before.zones?.map((z) => z.reason ?? z.summary))).toBe(
      'irrigate',
    );
    expect(before.netDepthMm, String(before.netDepthMm)).toBeGreaterThan(30);
    await smsc.sendInbound({
      from: '251911000001',
      dataCoding: 0,
      shortMessage: new TextEncoder().encode('DONE 25'),
    });
    let after = before;
    const deadline = Date.now() + 20_000;
    while (after.id === before.id && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await stores.registry.prescriptions.latest('field-1', 'irrigation'))!;
    }
    expect(after.id).not.toBe(before.id);
    // Dr falls by the 25 mm: below RAW now, so nothing more to water today.
    const drBefore = before.zones![0]!.drMm!;
    expect(after.zones![0]!.drMm).toBeCloseTo(drBefore - 25, 1);
    expect(after.action).toBe(drBefore - 25 > before.zones![0]!.rawMm! ? 'irrigate' : 'none');
    expect(after.revision?.reasons.join(' ')).toContain('SMS DONE');
    // The farmer is told what was recorded.
    await smsc.waitFor(() => smsc.submits.length === 1);
  });
});
