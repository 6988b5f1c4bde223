import type { InboundMessage, OutboxMessage } from '@shamba/schemas';
import { expect, it } from 'vitest';
import type { Registry } from '../ports/registry.js';

const T0 = Date.parse('2026-11-20T06:00:00Z');

const message = (id: string, overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  coopId: 'coop-a',
  farmerId: 'farmer-1',
  channel: 'sms',
  to: '+251911000001',
  purpose: 'prescription',
  fieldId: 'f-1',
  prescriptionId: `p-${id}`,
  prescriptionKind: 'irrigation',
  dedupeKey: `prescription:p-${id}:farmer-1:sms`,
  text: 'Irrigate f-1 today: 25 mm. Reply DONE when watered.',
  language: 'en',
  encoding: 'GSM-7',
  segments: 1,
  state: 'queued',
  attempts: 0,
  notBeforeMs: T0,
  createdMs: T0,
  sentMs: null,
  deliveredMs: null,
  gateway: null,
  gatewayIds: [],
  error: null,
  ...overrides,
});

/**
 * The outbox and the inbound log: one message per dedupe key, due by time, found by a gateway
 * id, billed once handed over, kept across a reopen. Run inside describeRegistry.
 */
export function describeMessages(current: () => Registry, reopen: () => Promise<void>): void {
  it('keeps one message per dedupe key and hands out the due ones oldest first', async () => {
    const first = message('m-1');
    expect(await current().messages.enqueue(first)).toEqual(first);
    // The same key again (a restart re-noticing the prescription) writes nothing.
    expect(await current().messages.enqueue({ ...first, id: 'm-1b', text: 'x' })).toBeUndefined();
    await current().messages.enqueue(message('m-2', { notBeforeMs: T0 + 3_600_000 }));
    await current().messages.enqueue(message('m-3', { notBeforeMs: T0 - 60_000 }));
    const due = (nowMs: number, limit: number, channels = ['sms']) =>
      current().messages.due({ nowMs, limit, channels });
    expect((await due(T0, 10)).map((m) => m.id)).toEqual(['m-3', 'm-1']);
    expect((await due(T0 + 3_600_000, 1)).map((m) => m.id)).toEqual(['m-3']);
    // A BeiDou message with no BeiDou gateway is never handed out, nor does it take a place.
    await current().messages.enqueue(
      message('m-4', { channel: 'beidou', notBeforeMs: T0 - 120_000 }),
    );
    expect((await due(T0, 2)).map((m) => m.id)).toEqual(['m-3', 'm-1']);
    expect((await due(T0, 1, ['beidou'])).map((m) => m.id)).toEqual(['m-4']);
    expect(await current().messages.get('m-1b')).toBeUndefined();
  });

  it('updates state, finds a message by any of its gateway ids and counts what was handed over', async () => {
    await current().messages.enqueue(message('m-1', { segments: 2 }));
    await current().messages.enqueue(message('m-2', { farmerId: 'farmer-2', segments: 1 }));
    await current().messages.enqueue(message('m-3'));
    await current().messages.update('m-1', {
      state: 'sent',
      attempts: 1,
      sentMs: T0 + 1000,
      gateway: 'smpp',
      gatewayIds: ['smsc-7', 'smsc-8'],
    });
    await current().messages.update('m-2', { state: 'sending', sentMs: T0 + 2000 });
    await reopen();
    expect((await current().messages.byGatewayId('smsc-8'))?.id).toBe('m-1');
    expect(await current().messages.byGatewayId('smsc-9')).toBeUndefined();
    expect(await current().messages.get('m-1')).toEqual(
      message('m-1', {
        segments: 2,
        state: 'sent',
        attempts: 1,
        sentMs: T0 + 1000,
        gateway: 'smpp',
        gatewayIds: ['smsc-7', 'smsc-8'],
      }),
    );
    const usage = current().messages.usage.bind(current().messages);
    expect(await usage({ coopId: 'coop-a', sinceMs: T0 })).toEqual({ messages: 2, segments: 3 });
    expect(await usage({ coopId: 'coop-a', farmerId: 'farmer-2', sinceMs: T0 })).toEqual({
      messages: 1,
      segments: 1,
    });
    expect(await usage({ coopId: 'coop-a', sinceMs: T0 + 1500 })).toEqual({
      messages: 1,
      segments: 1,
    });
    expect(await usage({ coopId: 'coop-b', sinceMs: 0 })).toEqual({ messages: 0, segments: 0 });
    expect(await usage({ coopId: 'coop-a', purpose: 'reply', sinceMs: T0 })).toEqual({
      messages: 0,
      segments: 0,
    });
    // A process that stopped mid-send: the message goes back to the queue, to be sent once.
    expect(await current().messages.requeueSending()).toBe(1);
    expect((await current().messages.get('m-2'))?.state).toBe('queued');
  });

  it('lists a cooperative’s messages newest first and finds the last one for a field and kind', async () => {
    await current().messages.enqueue(message('m-1'));
    await current().messages.enqueue(message('m-2', { createdMs: T0 + 10 }));
    await current().messages.enqueue(message('m-3', { createdMs: T0 + 20, state: 'held' }));
    await current().messages.enqueue(message('m-3f', { createdMs: T0 + 25, state: 'failed' }));
    await current().messages.enqueue(
      message('m-4', { createdMs: T0 + 30, prescriptionKind: 'nitrogen' }),
    );
    await current().messages.enqueue(
      message('m-5', { coopId: 'coop-b', farmerId: 'farmer-9', createdMs: T0 + 40 }),
    );
    const list = await current().messages.list({ coopId: 'coop-a' });
    expect(list.map((m) => m.id)).toEqual(['m-4', 'm-3f', 'm-3', 'm-2', 'm-1']);
    expect((await current().messages.list({ coopId: 'coop-a', limit: 1 })).length).toBe(1);
    const last = await current().messages.lastForField({
      farmerId: 'farmer-1',
      fieldId: 'f-1',
      kind: 'irrigation',
    });
    // Held and failed messages never reached the farmer: the last one the farmer has is m-2.
    expect(last?.id).toBe('m-2');
  });

  it('keeps what farmers sent in, per cooperative, newest first', async () => {
    const inbound = (id: string, receivedMs: number, coopId: string | null): InboundMessage => ({
      id,
      from: '+251911000001',
      text: 'DONE 25',
      receivedMs,
      coopId,
      farmerId: coopId === null ? null : 'farmer-1',
      command: 'done',
      outcome: 'irrigation of 25 mm recorded for f-1',
    });
    expect(await current().inbound.add(inbound('i-1', T0, 'coop-a'))).toBe(true);
    await current().inbound.add(inbound('i-2', T0 + 5, 'coop-a'));
    await current().inbound.add(inbound('i-3', T0 + 9, null));
    // The same message again (a provider retrying its callback): nothing written.
    expect(await current().inbound.add({ ...inbound('i-1', T0, 'coop-a'), text: 'x' })).toBe(false);
    await current().inbound.settle('i-2', { command: 'stop', outcome: 'opted out' });
    await reopen();
    expect(await current().inbound.list({ coopId: 'coop-a' })).toEqual([
      { ...inbound('i-2', T0 + 5, 'coop-a'), command: 'stop', outcome: 'opted out' },
      inbound('i-1', T0, 'coop-a'),
    ]);
  });

  it('walks the outbox and the replies newest first, a page after another, to the end', async () => {
    // Three at one time: their ids order them.
    for (const [id, createdMs] of [
      ['m-a', T0],
      ['m-c', T0 + 1000],
      ['m-b', T0 + 1000],
      ['m-d', T0 + 1000],
      ['m-e', T0 + 2000],
    ] as const)
      await current().messages.enqueue(message(id, { createdMs }));
    const walk = async <T>(
      page: (after?: { timeMs: number; id: string }) => Promise<T[]>,
      keyOf: (item: T) => { timeMs: number; id: string },
    ) => {
      const pages: T[][] = [];
      let after: { timeMs: number; id: string } | undefined;
      for (;;) {
        const items = await page(after);
        if (items.length === 0) return pages;
        pages.push(items);
        after = keyOf(items.at(-1)!);
      }
    };
    const outbox = await walk(
      (after) => current().messages.list({ coopId: 'coop-a', limit: 2, ...(after && { after }) }),
      (m) => ({ timeMs: m.createdMs, id: m.id }),
    );
    expect(outbox.map((page) => page.map((m) => m.id))).toEqual([
      ['m-e', 'm-b'],
      ['m-c', 'm-d'],
      ['m-a'],
    ]);
    for (const [id, receivedMs] of [
      ['in-1', T0],
      ['in-3', T0 + 5],
      ['in-2', T0 + 5],
    ] as const)
      await current().inbound.add({
        id,
        from: '+251911000001',
        text: 'DONE',
        receivedMs,
        coopId: 'coop-a',
        farmerId: 'farmer-1',
        command: 'done',
        outcome: 'ok',
      });
    const replies = await walk(
      (after) => current().inbound.list({ coopId: 'coop-a', limit: 2, ...(after && { after }) }),
      (m) => ({ timeMs: m.receivedMs, id: m.id }),
    );
    expect(replies.map((page) => page.map((m) => m.id))).toEqual([['in-2', 'in-3'], ['in-1']]);
  });
}
