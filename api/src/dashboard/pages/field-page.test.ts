import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrescriptionService, createWorkerPool } from '@shamba/analytics';
import type {
  FieldIndicesRecord,
  IrrigationPrescription,
  OutboxMessage,
  Prescription,
  Principal,
  StoredReading,
} from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  dashboardApp,
  pageRequests,
  signInUsers,
  type PageRequests,
} from '../testing/signed-in.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const MIN = 60_000;
const DAYS = ['2026-08-08', '2026-08-09', '2026-08-10', '2026-08-11'];
/** Local midnight (EAT) of a day, as a UTC instant. */
const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`) - EAT * MIN;
const NOW = midnight('2026-08-12') - MIN;

let stores: TempStores;
let pages: PageRequests;
let irrigation: IrrigationPrescription;
let nitrogen: Prescription;

/**
 * Soil on field-1 for 9-11 August: probe-1 every 15 minutes (vwc10 alternating 0.18 / 0.22, mean
 * 0.20; vwc30 0.26 less 0.02 a day; vwc60 0.28), probe-2 every 30 minutes (vwc10 0.24, vwc30
 * 0.20, no 60 cm sensor). Daily means over probes (each probe's mean first): vwc10 0.22, vwc30
 * 0.23 less 0.01 a day, vwc60 0.28. A mean over readings would give vwc10 0.213 instead.
 */
function soilReadings(): StoredReading[] {
  const out: StoredReading[] = [];
  DAYS.slice(1).forEach((date, day) => {
    for (let k = 0; k < 96; k++) {
      const timeMs = midnight(date) + k * 15 * MIN;
      const base = { stream: 'soil', timeMs, coopId: 'coop-a', fieldId: 'field-1', zoneId: null };
      out.push({
        ...base,
        deviceId: 'probe-1',
        seq: day * 96 + k,
        values: { vwc10: k % 2 === 0 ? 0.18 : 0.22, vwc30: 0.26 - 0.02 * day, vwc60: 0.28 },
        receivedMs: timeMs,
      } as StoredReading);
      if (k % 2 === 0)
        out.push({
          ...base,
          deviceId: 'probe-2',
          seq: day * 48 + k / 2,
          values: { vwc10: 0.24, vwc30: 0.2 },
          receivedMs: timeMs,
        } as StoredReading);
    }
  });
  return out;
}

const ok = (mean: number): FieldIndicesRecord => ({
  status: 'ok',
  validFraction: 0.9,
  pixelCount: 100,
  ndvi: { mean, sd: 0.05, p10: mean - 0.05, p50: mean, p90: mean + 0.05 },
});

/** Scenes over field-1: one before sowing, two clear with a cloudy one between, one outside. */
async function seedScenes(stores: TempStores) {
  const scenes: [string, string, FieldIndicesRecord][] = [
    ['S2-0620', '2026-06-20', ok(0.2)],
    ['S2-0720', '2026-07-20', ok(0.4)],
    ['S2-0730', '2026-07-30', { status: 'cloudy', validFraction: 0.1, pixelCount: 100 }],
    ['S2-0805', '2026-08-05', { status: 'outside', validFraction: 0, pixelCount: 0 }],
    ['S2-0809', '2026-08-09', ok(0.6)],
  ];
  for (const [id, date, indices] of scenes) {
    const acquiredMs = Date.parse(`${date}T08:00:00Z`);
    await stores.registry.scenes.add(
      {
        id,
        ownerCoopId: 'coop-a',
        acquiredMs,
        itemPath: '/none',
        cloudCoverPct: 10,
        processedMs: acquiredMs,
      },
      [{ sceneId: id, ownerCoopId: 'coop-a', fieldId: 'field-1', acquiredMs, indices }],
    );
  }
}

function message(p: Prescription, patch: Partial<OutboxMessage>): OutboxMessage {
  return {
    id: `m-${p.kind}`,
    coopId: 'coop-a',
    farmerId: 'farmer-1',
    channel: 'sms',
    to: '+251911000001',
    purpose: 'prescription',
    fieldId: 'field-1',
    prescriptionId: p.id,
    prescriptionKind: p.kind,
    dedupeKey: `prescription:${p.id}:farmer-1:sms`,
    text: 'x',
    language: 'en',
    encoding: 'GSM-7',
    segments: 1,
    state: 'queued',
    attempts: 0,
    notBeforeMs: NOW - 60 * MIN,
    createdMs: NOW - 60 * MIN,
    sentMs: null,
    deliveredMs: null,
    gateway: null,
    gatewayIds: [],
    error: null,
    ...patch,
  };
}

beforeAll(async () => {
  stores = await openTempStores('shamba-field-page-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
  await registry.fields.upsert(fieldFixture());
  await registry.fields.upsert(
    fieldFixture({ id: 'field-2', farmerId: 'farmer-2', name: 'Upper' }),
  );
  await registry.fields.upsert(
    fieldFixture({ id: 'field-b', coopId: 'coop-b', farmerId: 'farmer-b' }),
  );
  await registry.devices.upsert(weatherStationFixture());
  for (const id of ['probe-1', 'probe-2'])
    await registry.devices.upsert({
      id,
      coopId: 'coop-a',
      fieldId: 'field-1',
      zoneId: null,
      kind: 'soil-probe',
      secretHash: 'x',
    });
  // 12 mm of rain on 10 August, dry days either side.
  const weather = stationReadings(DAYS, {
    coopId: 'coop-a',
    utcOffsetMinutes: EAT,
    weather: (i) => ({
      tMaxC: 28,
      tMinC: 12,
      rhMaxPct: 80,
      rhMinPct: 35,
      windMs: 2,
      solarMJ: 22,
      rainMm: i === 2 ? 12 : 0,
    }),
  });
  await store.write([...weather, ...soilReadings()]);
  {
    await using pool = await createWorkerPool({ size: 0 });
    await using service = createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock: () => NOW,
    });
    await service.runOnce();
  }
  const latest = await registry.prescriptions.latestByKind('field-1');
  irrigation = latest.irrigation!;
  nitrogen = latest.nitrogen!;
  await seedScenes(stores);
  await registry.messages.enqueue(
    message(irrigation, {
      state: 'delivered',
      sentMs: NOW - 50 * MIN,
      deliveredMs: NOW - 45 * MIN,
      acknowledgedMs: NOW - 30 * MIN,
    }),
  );
  for (const [id, farmerId, text] of [
    ['in-1', 'farmer-1', 'DONE field one'],
    ['in-2', 'farmer-2', 'RAIN on the upper field'],
  ] as const)
    await registry.inbound.add({
      id,
      from: '+2519',
      text,
      receivedMs: NOW - 20 * MIN,
      coopId: 'coop-a',
      farmerId,
      command: 'done',
      outcome: 'recorded',
    });
  const users: Record<string, Principal> = {
    agronomist: { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'A' },
    technician: { role: 'technician', coopId: 'coop-a', farmerId: null, name: 'T' },
    farmer: { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'F' },
  };
  const signedIn = await signInUsers(registry, users, { clock: () => NOW });
  const app = await dashboardApp({
    registry,
    store,
    clock: () => NOW,
    sessions: signedIn.sessions,
  });
  pages = pageRequests(app, signedIn);
});
afterAll(() => stores.close());

const get = (user: string, path: string) => pages.get(user, path);

async function page(user = 'agronomist', id = 'field-1'): Promise<string> {
  const res = await get(user, `/fields/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The text of each body row's cells of the table with this id. */
function rows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table ?? '')?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]!.replace(/<[^>]+>/g, '').trim(),
    ),
  );
}

function pageData(html: string) {
  const json = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(json![1]!) as {
    deviceIds: string[];
    soil: Record<string, unknown>;
    ndvi: Record<string, unknown>;
  };
}

/** The element with this id and everything up to its closing tag (no nesting of the same tag). */
function element(html: string, tag: string, id: string): string {
  const found = new RegExp(`<${tag}[^>]*id="${id}"[^>]*>[\\s\\S]*?</${tag}>`).exec(html);
  expect(found, `${tag}#${id}`).not.toBeNull();
  return found![0];
}

/** θ at RAW from the prescription's zone: FC - RAW / (1000 Zr), Zr = TAW / (1000 (FC - WP)). */
function expectedThetaRaw(p: IrrigationPrescription): number {
  const zone = p.zones![0]!;
  const zr = zone.tawMm! / (1000 * (0.25 - 0.12));
  return Math.round((0.25 - zone.rawMm! / (1000 * zr)) * 1000) / 1000;
}

describe('GET /fields/:fieldId', () => {
  it('shows soil water per depth (daily means over probes) and daily rain, in a chart with its table', async () => {
    const html = await page();
    const figure = element(html, 'figure', 'soil-chart');
    expect(figure).toContain('class="chart"');
    expect(figure).toContain('<table id="soil-table">');
    expect(rows(html, 'soil-table')).toEqual([
      ['2026-08-08', '–', '–', '–', '0.0'],
      ['2026-08-09', '0.220', '0.230', '0.280', '0.0'],
      ['2026-08-10', '0.220', '0.220', '0.280', '12.0'],
      ['2026-08-11', '0.220', '0.210', '0.280', '0.0'],
    ]);
    expect(pageData(html).soil).toEqual({
      dates: DAYS,
      vwc10: [null, 0.22, 0.22, 0.22],
      vwc30: [null, 0.23, 0.22, 0.21],
      vwc60: [null, 0.28, 0.28, 0.28],
      rainMm: [0, 0, 12, 0],
      fieldCapacity: 0.25,
      thetaRaw: expectedThetaRaw(irrigation),
    });
    // Their new readings refresh the chart live.
    expect(pageData(html).deviceIds).toEqual(['probe-1', 'probe-2', 'wx-1']);
  });

  it('draws the RAW line from the prescription’s zones, FAO-56 eq. 82-83', async () => {
    const zone = irrigation.zones![0]!;
    expect(zone.rawMm).toBeGreaterThan(0);
    const theta = expectedThetaRaw(irrigation);
    // p = RAW / TAW, and θRAW = FC - p (FC - WP): the same line without the root depth.
    expect(theta).toBeCloseTo(0.25 - (zone.rawMm! / zone.tawMm!) * 0.13, 3);
    const html = await page();
    expect(element(html, 'p', 'raw-note')).toContain(`RAW line θ = ${theta.toFixed(3)}`);
    expect(rows(html, 'raw-zones')).toEqual([
      [
        zone.zoneId,
        zone.tawMm!.toFixed(1),
        zone.rawMm!.toFixed(1),
        (zone.tawMm! / 130).toFixed(2),
        theta.toFixed(3),
      ],
    ]);
  });

  it('shows NDVI since sowing with the cloudy date gap-filled and flagged', async () => {
    const html = await page();
    expect(element(html, 'figure', 'ndvi-chart')).toContain('<table id="ndvi-table">');
    expect(rows(html, 'ndvi-table')).toEqual([
      ['2026-07-20', '0.400', 'Observed', 'Clear', '90', 'S2-0720'],
      ['2026-07-30', '0.500', 'Gap-filled (interpolated)', 'Cloudy', '10', 'S2-0730'],
      ['2026-08-09', '0.600', 'Observed', 'Clear', '90', 'S2-0809'],
    ]);
    expect(pageData(html).ndvi).toEqual({
      dates: ['2026-07-20', '2026-07-30', '2026-08-09'],
      values: [0.4, 0.5, 0.6],
      quality: ['observed', 'gap-filled', 'observed'],
      cloudy: [false, true, false],
    });
  });

  it('explains each zone’s prescription step by step, with numbers and sources', async () => {
    const html = await page();
    const article = element(html, 'article', 'rx-irrigation');
    expect(article).toContain(`data-id="${irrigation.id}"`);
    const zone = irrigation.zones![0]!;
    expect(article).toContain(`<strong>${zone.grossDepthMm.toFixed(1)}</strong> mm`);
    const steps = element(article, 'details', `steps-irrigation-${zone.zoneId}`);
    expect(steps.match(/<li class="step">/g)).toHaveLength(zone.steps.length);
    expect(zone.steps.length).toBeGreaterThan(3);
    for (const step of zone.steps) {
      expect(steps).toContain(step.source.replace(/&/g, '&amp;').replace(/'/g, '&#39;'));
      if (step.value !== null)
        expect(steps).toContain(`<strong>${Math.round(step.value * 1000) / 1000}</strong>`);
    }
    const n = element(html, 'article', 'rx-nitrogen');
    expect(n).toContain(`data-id="${nitrogen.id}"`);
  });

  it('shows each prescription’s delivery status and the farmer’s replies only', async () => {
    const html = await page();
    expect(element(html, 'div', 'delivery-irrigation')).toContain('data-status="acknowledged"');
    expect(element(html, 'div', 'delivery-nitrogen')).toContain('data-status="issued"');
    expect(rows(html, 'replies-table')).toEqual([
      ['2026-08-11 20:39 UTC', 'DONE field one', 'done', 'recorded'],
    ]);
  });

  it('answers 404 for another cooperative’s field, another farmer’s, or none', async () => {
    for (const [user, id] of [
      ['agronomist', 'field-b'],
      ['farmer', 'field-2'],
      ['agronomist', 'no-such-field'],
    ] as const)
      expect((await get(user, `/fields/${id}`)).status, `${user} ${id}`).toBe(404);
    expect(await page('farmer', 'field-1')).toContain('id="rx-irrigation"');
  });

  it("writes each page read to the audit log of the field's cooperative", async () => {
    await get('farmer', '/fields/field-1');
    const [line] = await stores.registry.audit.list({ coopId: 'coop-a', limit: 1 });
    expect(line).toMatchObject({
      role: 'farmer',
      action: 'read',
      method: 'GET',
      path: '/fields/field-1',
      status: 200,
    });
  });

  it('shows a technician the season but not the messages', async () => {
    const html = await page('technician');
    expect(html).toContain('id="soil-chart"');
    expect(html).not.toContain('id="replies"');
    expect(html).not.toContain('id="delivery-irrigation"');
  });
});
