import type { Farmer, Field, InboundMessage, OutboxMessage } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { expect, it } from 'vitest';
import type { NewAuditEntry, Registry } from '../ports/registry.js';

const T0 = Date.parse('2026-12-03T06:00:00Z');

const line = (i: number, coopId: string | null): NewAuditEntry => ({
  atMs: T0 + i,
  coopId,
  actor: `user-${i}`,
  role: 'manager',
  action: i % 2 === 0 ? 'read' : 'change',
  method: i % 2 === 0 ? 'GET' : 'PATCH',
  path: `/v1/coops/${coopId}/farmers/f-${i}`,
  status: 200,
});

const farmer = (id: string): Farmer => ({
  id,
  coopId: 'coop-a',
  name: 'Chaltu Gemechu',
  phone: '+251911000101',
  language: 'om',
});

/**
 * The audit log (per cooperative, newest first, in pages) and a farmer's erasure (personal data
 * gone, agronomic records kept under a pseudonym). Run inside describeRegistry.
 */
export function describeAuditAndErasure(
  current: () => Registry,
  reopen: () => Promise<void>,
): void {
  it("lists a cooperative's audit lines newest first, a page at a time, and only its own", async () => {
    for (let i = 0; i < 5; i++) await current().audit.add(line(i, i === 2 ? 'coop-b' : 'coop-a'));
    await reopen();
    const first = await current().audit.list({ coopId: 'coop-a', limit: 2 });
    expect(first.map((e) => e.actor)).toEqual(['user-4', 'user-3']);
    expect(first[0]).toEqual({ id: first[0]!.id, ...line(4, 'coop-a') });
    const rest = await current().audit.list({
      coopId: 'coop-a',
      limit: 10,
      beforeId: first[1]!.id,
    });
    expect(rest.map((e) => e.actor)).toEqual(['user-1', 'user-0']);
    expect(
      (await current().audit.list({ coopId: 'coop-b', limit: 10 })).map((e) => e.actor),
    ).toEqual(['user-2']);
  });

  it("erases a farmer's personal data and keeps their fields and messages under a pseudonym", async () => {
    const registry = current();
    await registry.coops.upsert(coopFixture({ id: 'coop-a' }));
    await registry.farmers.upsert(farmer('farmer-chaltu'));
    await registry.farmers.upsert({ ...farmer('farmer-other'), phone: '+251911000102' });
    const field: Field = fieldFixture({ id: 'f-1', coopId: 'coop-a', farmerId: 'farmer-chaltu' });
    await registry.fields.upsert(field);
    const sent: OutboxMessage = {
      id: 'm-1',
      coopId: 'coop-a',
      farmerId: 'farmer-chaltu',
      channel: 'sms',
      to: '+251911000101',
      purpose: 'prescription',
      fieldId: 'f-1',
      prescriptionId: 'p-1',
      prescriptionKind: 'irrigation',
      dedupeKey: 'prescription:p-1:farmer-chaltu:sms',
      text: 'Chaltu, irrigate f-1 today: 25 mm.',
      language: 'om',
      encoding: 'GSM-7',
      segments: 1,
      state: 'delivered',
      attempts: 1,
      notBeforeMs: T0,
      createdMs: T0,
      sentMs: T0,
      deliveredMs: T0,
      gateway: 'smpp',
      gatewayIds: ['g-1'],
      error: null,
    };
    await registry.messages.enqueue(sent);
    // A reply's id begins with the number it came from, as the reply handler makes it.
    const reply: InboundMessage = {
      id: '+251911000101:prov-77',
      from: '+251911000101',
      text: 'DONE Chaltu',
      receivedMs: T0 + 60_000,
      coopId: 'coop-a',
      farmerId: 'farmer-chaltu',
      command: 'done',
      outcome: 'marked applied',
    };
    await registry.inbound.add(reply);
    await registry.tokens.add(
      'c0ffee0001',
      { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-chaltu', name: 'Chaltu' },
      { createdMs: T0, expiresMs: null, label: 'Chaltu phone' },
    );
    const audited = { atMs: T0, coopId: 'coop-a', status: 200, method: 'GET' } as const;
    await registry.audit.add({
      ...audited,
      actor: 'Manager',
      role: 'manager',
      action: 'read',
      path: '/v1/coops/coop-a/farmers',
    });
    await registry.audit.add({
      ...audited,
      actor: 'Chaltu',
      role: 'farmer',
      action: 'read',
      path: '/v1/coops/coop-a/farmers/farmer-chaltu',
    });

    const erased = await registry.farmers.erase('farmer-chaltu', T0 + 120_000);
    expect(erased).toEqual({
      farmerId: 'farmer-chaltu',
      coopId: 'coop-a',
      pseudonym: expect.stringMatching(/^erased-[0-9a-f]{12}$/) as unknown,
      fields: 1,
      messages: 1,
      inbound: 1,
      tokensRevoked: 1,
    });
    await reopen();
    const after = current();
    const pseudonym = erased!.pseudonym;
    expect(await after.farmers.get('farmer-chaltu')).toBeUndefined();
    expect(await after.farmers.byPhone('+251911000101')).toEqual([]);
    expect((await after.farmers.list('coop-a')).map((f) => f.id)).toEqual(['farmer-other']);
    expect(await after.fields.get('f-1')).toEqual({ ...field, farmerId: pseudonym });
    expect(await after.messages.get('m-1')).toEqual({
      ...sent,
      farmerId: pseudonym,
      to: '(erased)',
      text: '(erased)',
      dedupeKey: `prescription:p-1:${pseudonym}:sms`,
    });
    expect(await after.inbound.list({ coopId: 'coop-a' })).toEqual([
      {
        ...reply,
        id: `${pseudonym}:prov-77`,
        farmerId: pseudonym,
        from: '(erased)',
        text: '(erased)',
      },
    ]);
    const audit = await after.audit.list({ coopId: 'coop-a', limit: 10 });
    expect(audit.map((e) => [e.actor, e.path])).toEqual([
      [pseudonym, `/v1/coops/coop-a/farmers/${pseudonym}`],
      ['Manager', '/v1/coops/coop-a/farmers'],
    ]);
    expect(await after.tokens.find('c0ffee0001', T0 + 180_000)).toBeUndefined();
    expect(JSON.stringify(await after.tokens.list({ coopId: 'coop-a' }))).not.toMatch(
      /Chaltu|chaltu/,
    );
    expect(JSON.stringify(await after.messages.list({ coopId: 'coop-a' }))).not.toMatch(
      /Chaltu|chaltu|251911000101/,
    );
    expect(await after.farmers.erase('farmer-chaltu', T0)).toBeUndefined();
  });
}
