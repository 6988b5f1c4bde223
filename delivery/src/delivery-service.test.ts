import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Farmer } from '@shamba/schemas';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createDeliveryService, type DeliveryService } from './delivery-service.js';
import { createSmppGateway } from './gateways/smpp/index.js';
import { decodeGsm7 } from './sms/index.js';
import { createFakeSmsc, type FakeSmsc } from './testing/smsc.js';
import { MAIZE_FIELD, OROMIA_COOP, irrigation, nitrogen } from './testing/prescription-fixtures.js';

// 09:00 in Addis Ababa (UTC+3): outside the default quiet hours.
const MORNING = Date.parse('2026-12-03T06:00:00Z');
const TOLOSA: Farmer = {
  id: 'farmer-tolosa',
  coopId: 'coop-oromia',
  name: 'Tolosa Gemechu',
  phone: '+251911234501',
  language: 'en',
  consent: { state: 'opted-in', at: '2026-06-01T06:00:00.000Z', source: 'seed' },
};

describe('delivery service over SMPP (fake SMSC on loopback)', () => {
  let stores: TempStores;
  let smsc: FakeSmsc;
  let delivery: DeliveryService;
  let now = MORNING;

  beforeEach(async () => {
    now = MORNING;
    stores = await openTempStores('shamba-delivery-');
    const { registry } = stores;
    await registry.coops.upsert(OROMIA_COOP);
    await registry.farmers.upsert(TOLOSA);
    await registry.fields.upsert(MAIZE_FIELD);
    smsc = await createFakeSmsc();
    const logger = pino({ level: 'silent' });
    const sms = await createSmppGateway({
      url: smsc.url(),
      logger,
      sourceAddr: 'Shamba',
      // The gateway's own retries of a throttled part, kept short here: the outbox retries after.
      throttle: { attempts: 2, initialMs: 5, maxMs: 10 },
    });
    delivery = await createDeliveryService({
      registry,
      store: stores.store,
      logger,
      sms,
      clock: () => now,
    });
  });
  afterEach(async () => {
    await delivery.close();
    await smsc.close();
    await stores.close();
  });

  it('sends a new prescription once, in GSM-7, and a receipt marks it delivered', async () => {
    await stores.registry.prescriptions.add(irrigation());
    expect(await delivery.scanPrescriptions()).toBe(1);
    expect(await delivery.scanPrescriptions()).toBe(0); // the same prescription: nothing new
    expect(await delivery.runOnce()).toEqual({ sent: 1, deferred: 0, held: 0, failed: 0 });
    expect(smsc.submits).toHaveLength(1);
    const [submit] = smsc.submits;
    expect(submit!.destinationAddr.addr).toBe('251911234501');
    expect(submit!.dataCoding).toBe(0);
    const [message] = await stores.registry.messages.list({ coopId: 'coop-oromia' });
    expect(decodeGsm7(submit!.shortMessage)).toBe(message!.text);
    expect(message!.text).toContain('Tolosa maize');
    expect(message).toMatchObject({ state: 'sent', gateway: 'smpp', attempts: 1 });
    await smsc.sendReceipt({ messageId: submit!.messageId!, stat: 'DELIVRD' });
    await smsc.waitFor(() => smsc.deliverResponses.length === 1);
    await expect
      .poll(async () => (await stores.registry.messages.get(message!.id))?.state)
      .toBe('delivered');
  });

  it('holds a message in quiet hours until 06:00, and sends nothing unchanged again', async () => {
    now = Date.parse('2026-12-03T19:30:00Z'); // 22:30 in Addis Ababa
    await stores.registry.prescriptions.add(irrigation());
    await delivery.scanPrescriptions();
    expect(await delivery.runOnce()).toEqual({ sent: 0, deferred: 1, held: 0, failed: 0 });
    expect(smsc.submits).toHaveLength(0);
    now = Date.parse('2026-12-04T03:00:00Z'); // 06:00
    expect((await delivery.runOnce()).sent).toBe(1);
    // A new version within 10 % of the last one sent is not news; one 30 % larger is.
    await stores.registry.prescriptions.add(irrigation({ id: 'p-2', grossDepthMm: 20.5 }));
    await stores.registry.prescriptions.add(irrigation({ id: 'p-3', grossDepthMm: 26 }));
    expect(await delivery.scanPrescriptions()).toBe(1);
  });

  it('STOP opts the farmer out at once (confirmed), and the next prescription is not sent', async () => {
    await smsc.sendInbound({
      from: '251911234501',
      dataCoding: 0,
      shortMessage: new TextEncoder().encode('stop'),
    });
    await expect
      .poll(async () => (await stores.registry.farmers.get(TOLOSA.id))?.consent?.state)
      .toBe('opted-out');
    await expect.poll(() => smsc.submits.length).toBe(1); // the confirmation
    await stores.registry.prescriptions.add(irrigation());
    expect(await delivery.scanPrescriptions()).toBe(0);
    const [reply] = await stores.registry.inbound.list({ coopId: 'coop-oromia' });
    expect(reply).toMatchObject({ command: 'stop', farmerId: TOLOSA.id });
  });

  it('DONE 25 enters the water balance as 25 mm applied on the field at the reply time', async () => {
    await smsc.sendInbound({
      from: '251911234501',
      dataCoding: 0,
      shortMessage: new TextEncoder().encode('DONE 25'),
    });
    await expect
      .poll(async () => (await stores.registry.inbound.list({ coopId: 'coop-oromia' })).length)
      .toBe(1);
    const readings = await stores.store.query({
      fieldId: MAIZE_FIELD.id,
      stream: 'status',
      fromMs: 0,
      toMs: Number.MAX_SAFE_INTEGER,
    });
    expect(readings.map((r) => ({ device: r.deviceId, values: r.values }))).toEqual([
      { device: 'sms-field-tolosa-maize', values: { appliedMm: 25 } },
    ]);
  });

  it('retries a throttled send later, from the outbox', async () => {
    smsc.throttleNext(20);
    await stores.registry.prescriptions.add(irrigation());
    await delivery.scanPrescriptions();
    const run = await delivery.runOnce();
    expect(run).toEqual({ sent: 0, deferred: 1, held: 0, failed: 0 });
    const [queued] = await stores.registry.messages.list({ coopId: 'coop-oromia' });
    expect(queued).toMatchObject({ state: 'queued', attempts: 1 });
    expect(queued!.notBeforeMs).toBeGreaterThan(now);
  });

  it('sends a farmer at most three in a day; the fourth waits for the next morning', async () => {
    for (const n of [1, 2, 3, 4]) {
      const field = { ...MAIZE_FIELD, id: `field-${n}`, name: `Plot ${n}` };
      await stores.registry.fields.upsert(field);
      await stores.registry.prescriptions.add(irrigation({ id: `p-${n}`, fieldId: field.id }));
    }
    expect(await delivery.scanPrescriptions()).toBe(4);
    expect(await delivery.runOnce()).toEqual({ sent: 3, deferred: 1, held: 0, failed: 0 });
    const waiting = (await stores.registry.messages.list({ coopId: 'coop-oromia' })).find(
      (m) => m.state === 'queued',
    );
    expect(waiting!.notBeforeMs).toBe(Date.parse('2026-12-04T03:00:00Z')); // 06:00 tomorrow
  });

  it('holds waiting advice a newer prescription replaced, and advice two days old', async () => {
    now = Date.parse('2026-12-03T18:00:00Z'); // 21:00: quiet hours, both wait
    await stores.registry.prescriptions.add(irrigation({ id: 'p-1', grossDepthMm: 30 }));
    await delivery.scanPrescriptions();
    await stores.registry.prescriptions.add(
      irrigation({ id: 'p-2', action: 'none', grossDepthMm: 0 }),
    );
    await delivery.scanPrescriptions();
    const states = async (): Promise<Record<string, [string, string | null]>> =>
      Object.fromEntries(
        (await stores.registry.messages.list({ coopId: 'coop-oromia' })).map((m) => [
          m.prescriptionId ?? '',
          [m.state, m.error],
        ]),
      );
    expect(await states()).toEqual({
      'p-1': ['held', 'superseded by a newer prescription (p-2)'],
      'p-2': ['queued', null],
    });
    now = Date.parse('2026-12-06T06:00:00Z'); // three days later
    expect(await delivery.runOnce()).toEqual({ sent: 0, deferred: 0, held: 1, failed: 0 });
    expect((await states())['p-2']).toEqual(['held', 'out of date: queued more than 48 hours ago']);
    expect(smsc.submits).toHaveLength(0);
  });

  it('does not send to a number the farmer no longer has', async () => {
    await stores.registry.prescriptions.add(irrigation());
    await delivery.scanPrescriptions();
    await stores.registry.farmers.upsert({ ...TOLOSA, phone: '+251911999999' });
    expect(await delivery.runOnce()).toEqual({ sent: 0, deferred: 0, held: 1, failed: 0 });
    expect(smsc.submits).toHaveLength(0);
  });

  it('DONE after a fertiliser message records the N applied, never water', async () => {
    await stores.registry.prescriptions.add(nitrogen({ id: 'p-n' }));
    await delivery.scanPrescriptions();
    expect((await delivery.runOnce()).sent).toBe(1);
    await smsc.sendInbound({
      from: '251911234501',
      dataCoding: 0,
      shortMessage: new TextEncoder().encode('DONE 50'),
    });
    await expect
      .poll(async () => (await stores.registry.fertiliserApplications.list(MAIZE_FIELD.id)).length)
      .toBe(1);
    const [applied] = await stores.registry.fertiliserApplications.list(MAIZE_FIELD.id);
    const prescribed = (await stores.registry.prescriptions.get('p-n'))!;
    expect(applied).toMatchObject({ unit: 'kg-n-ha', recordedBy: { role: 'farmer' } });
    expect(applied!.nKgHa).toBeCloseTo(prescribed.kind === 'nitrogen' ? prescribed.nKgHa : -1, 1);
    const water = await stores.store.query({
      fieldId: MAIZE_FIELD.id,
      stream: 'status',
      fromMs: 0,
      toMs: Number.MAX_SAFE_INTEGER,
    });
    expect(water).toEqual([]);
  });

  it('acts once on a message a provider delivers twice (the same provider id)', async () => {
    const stop = {
      from: TOLOSA.phone,
      to: '20880',
      text: 'STOP',
      receivedAt: new Date(now),
      providerMessageId: 'ATXid_1',
    };
    await delivery.replies.handle(stop);
    await stores.registry.farmers.upsert(TOLOSA); // opted in again by the manager
    await delivery.replies.handle(stop);
    expect((await stores.registry.farmers.get(TOLOSA.id))?.consent?.state).toBe('opted-in');
    expect(await stores.registry.inbound.list({ coopId: 'coop-oromia' })).toHaveLength(1);
    const answers = await stores.registry.messages.list({ coopId: 'coop-oromia' });
    expect(answers.map((m) => m.purpose)).toEqual(['reply']);
  });
});
