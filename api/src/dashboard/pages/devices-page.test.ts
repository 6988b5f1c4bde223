import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, StoredReading } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { verifyDeviceSecret } from '@shamba/storage';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  dashboardApp,
  pageRequests,
  signInUsers,
  type PageRequests,
  type SignedIn,
} from '../testing/signed-in.js';

const NOW = Date.UTC(2026, 7, 10, 12, 0);
const MIN = 60_000;

let stores: TempStores;
let app: Awaited<ReturnType<typeof dashboardApp>>;
let signedIn: SignedIn;
let pages: PageRequests;

function reading(
  deviceId: string,
  stream: StoredReading['stream'],
  agoMs: number,
  values: Record<string, number>,
): StoredReading {
  const timeMs = NOW - agoMs;
  const fieldId = deviceId.startsWith('b-') ? 'field-b' : 'field-1';
  const coopId = deviceId.startsWith('b-') ? 'coop-b' : 'coop-a';
  return {
    deviceId,
    stream,
    timeMs,
    seq: 1,
    values,
    coopId,
    fieldId,
    zoneId: null,
    receivedMs: timeMs,
  };
}

beforeAll(async () => {
  stores = await openTempStores('shamba-devices-page-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
  await registry.fields.upsert(fieldFixture());
  await registry.fields.upsert(
    fieldFixture({ id: 'field-b', coopId: 'coop-b', farmerId: 'farmer-b' }),
  );
  const device = { coopId: 'coop-a', fieldId: 'field-1', zoneId: null, secretHash: 'sha256$x' };
  await registry.devices.upsert({ ...device, id: 'probe-1', kind: 'soil-probe' });
  await registry.devices.upsert({ ...device, id: 'gw-1', kind: 'beidou-gateway' });
  await registry.devices.upsert({
    ...device,
    id: 'b-1',
    kind: 'soil-probe',
    coopId: 'coop-b',
    fieldId: 'field-b',
  });
  // probe-1: 48 soil readings (every 30 min over the day) and a status 10 minutes ago.
  await store.write(
    Array.from({ length: 48 }, (_, k) =>
      reading('probe-1', 'soil', (k + 1) * 30 * MIN, { vwc10: 0.2, batteryPct: 80 }),
    ),
  );
  await store.write([reading('probe-1', 'status', 10 * MIN, { batteryPct: 76, rssiDbm: -87 })]);
  // gw-1: quiet for three hours (stale), its last fix RTK float.
  await store.write([
    reading('gw-1', 'gnss', 3 * 60 * MIN, {
      latitudeDeg: 7.93,
      longitudeDeg: 38.72,
      fixQuality: 5,
    }),
  ]);
  await store.write([reading('b-1', 'status', 5 * MIN, { batteryPct: 11, rssiDbm: -101 })]);
  for (const receivedMs of [NOW - 50 * MIN, NOW - 40 * MIN])
    await registry.deadLetters.add({
      receivedMs,
      deviceId: 'probe-1',
      coopId: 'coop-a',
      topic: 'shamba/v1/coop-a/probe-1/up/soil',
      code: 'OUT_OF_RANGE',
      reason: `vwc10 out of range at ${receivedMs}`,
      payload: Uint8Array.of(receivedMs % 256),
    });
  const users: Record<string, Principal> = {
    manager: { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'M' },
    technician: { role: 'technician', coopId: 'coop-a', farmerId: null, name: 'T' },
    agronomist: { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'A' },
    farmer: { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'F' },
    admin: { role: 'admin', coopId: null, farmerId: null, name: 'Root' },
  };
  signedIn = await signInUsers(registry, users, { clock: () => NOW });
  app = await dashboardApp({ registry, store, clock: () => NOW, sessions: signedIn.sessions });
  pages = pageRequests(app, signedIn);
});
afterAll(() => stores.close());

const cookie = (user: string) => signedIn.cookie(user);
const get = (user: string, path: string) => pages.get(user, path);
const provision = (user: string, form: Record<string, string>) =>
  pages.postForm(user, '/devices', form);

/** The text of each cell of a device's row, tags and extra spaces gone. */
function row(html: string, deviceId: string): string[] {
  const match = new RegExp(`<tr data-device="${deviceId}"[^>]*>(.*?)</tr>`).exec(html);
  if (match === null) throw new Error(`no row for ${deviceId}`);
  return [...match[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('GET /devices', () => {
  it("shows each of the cooperative's devices with numbers from its readings", async () => {
    const response = await get('manager', '/devices');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(row(html, 'probe-1')).toEqual([
      'probe-1',
      'Soil probe',
      'Lower maize',
      '2026-08-10 11:50 UTC',
      '76',
      '-87',
      '–',
      // 49 readings in 24 h.
      (49 / 24).toFixed(1),
      `2 (newest 2026-08-10 11:20 UTC)`,
      'Set (shown once, when provisioned)',
    ]);
    expect(row(html, 'gw-1')).toEqual([
      'gw-1',
      'BeiDou gateway',
      'Lower maize',
      '2026-08-10 09:00 UTC stale',
      '–',
      '–',
      'RTK float',
      (1 / 24).toFixed(1),
      '0',
      'Set (shown once, when provisioned)',
    ]);
    expect(html).toContain('2 in all, 1 not seen for over 2 hours');
    expect(html).not.toContain('b-1');
  });

  it("answers 404 for another cooperative's devices and refuses farmers", async () => {
    expect((await get('manager', '/devices?coop=coop-b')).status).toBe(404);
    expect((await get('farmer', '/devices')).status).toBe(403);
    expect((await get('technician', '/devices?coop=coop-a')).status).toBe(200);
  });
});

describe('GET /devices as an admin', () => {
  it('asks which cooperative, then shows that one', async () => {
    const choose = await (await get('admin', '/devices')).text();
    expect(choose).toContain('<a href="/devices?coop=coop-b">B</a>');
    const b = await (await get('admin', '/devices?coop=coop-b')).text();
    expect(row(b, 'b-1').slice(3, 6)).toEqual(['2026-08-10 11:55 UTC', '11', '-101']);
    expect(b).not.toContain('probe-1');
    expect((await get('admin', '/devices?coop=coop-z')).status).toBe(404);
  });
});

describe('POST /devices', () => {
  it('shows the new secret once, and the device authenticates with it', async () => {
    const response = await provision('technician', {
      id: 'probe-9',
      kind: 'soil-probe',
      field: 'field-1',
      zone: '',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    const password = /<code id="mqtt-password">([^<]+)<\/code>/.exec(html)?.[1];
    expect(/<code id="mqtt-username">([^<]+)<\/code>/.exec(html)?.[1]).toBe('probe-9');
    const stored = await stores.registry.devices.get('probe-9');
    expect(stored).toMatchObject({
      coopId: 'coop-a',
      fieldId: 'field-1',
      zoneId: null,
      kind: 'soil-probe',
    });
    expect(verifyDeviceSecret(password!, stored!.secretHash)).toBe(true);
    expect(stored!.secretHash).not.toContain(password);
    // Later views say only that it has one.
    const later = await (await get('manager', '/devices')).text();
    expect(later).not.toContain(password);
    expect(row(later, 'probe-9').at(-1)).toBe('Set (shown once, when provisioned)');
  });

  it('refuses an id that exists and changes nothing', async () => {
    const before = await stores.registry.devices.get('probe-1');
    const response = await provision('manager', {
      id: 'probe-1',
      kind: 'weather-station',
      field: 'field-1',
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('A device probe-1 is already registered: nothing was changed.');
    expect(html).not.toContain('mqtt-password');
    expect(await stores.registry.devices.get('probe-1')).toEqual(before);
  });

  it("refuses another cooperative's field, agronomists, and forms without the CSRF token", async () => {
    const other = await provision('manager', {
      id: 'probe-x',
      kind: 'soil-probe',
      field: 'field-b',
    });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('no field field-b in this cooperative');
    expect(
      (await provision('agronomist', { id: 'probe-y', kind: 'soil-probe', field: 'field-1' }))
        .status,
    ).toBe(403);
    const forged = await app.request('/devices', {
      method: 'POST',
      headers: { cookie: cookie('manager'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=probe-z&kind=soil-probe&field=field-1&_csrf=wrong',
    });
    expect(forged.status).toBe(403);
    for (const id of ['probe-x', 'probe-y', 'probe-z'])
      expect(await stores.registry.devices.get(id)).toBeUndefined();
  });
});
