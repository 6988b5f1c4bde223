import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { addDays, localDate, localMidnightMs } from '@shamba/agronomy';
import {
  PROBE_LOOKBACK_DAYS,
  createPrescriptionService,
  createWorkerPool,
  defaultPoolSize,
} from '@shamba/analytics';
import { DAY_MS, type StoredReading } from '@shamba/schemas';
import { fieldFixture, stationDay } from '@shamba/schemas/testing';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';

/**
 * `pnpm bench prescriptions`: FAO-56 water-balance prescriptions for FIELDS fields of 3 zones
 * each (one probe per zone, 15-minute readings for a day; one weather station per cooperative
 * of 100 fields, 15-minute readings since sowing 60 days ago; a processed scene two days old
 * with each zone's NDVI, for the N rate), from SQLite, through the
 * analytics workers. Peer: the same rows read straight from the same SQLite file with
 * better-sqlite3 and their JSON parsed, the floor under any prescription computed from them.
 */
const FIELDS = Number(process.env.BENCH_FIELDS ?? 1000);
const FIELDS_PER_COOP = 100;
const SEASON_DAYS = 60;
const EAT = 180;

export async function prescriptionsBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-bench-rx-'));
  try {
    const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    const nowMs = Math.floor(Date.now() / 900_000) * 900_000;
    const sowing = addDays(localDate(nowMs, EAT), -SEASON_DAYS);

    const t0 = performance.now();
    let readings = 0;
    const coops = Math.ceil(FIELDS / FIELDS_PER_COOP);
    for (let c = 0; c < coops; c++) {
      const coopId = `coop-${c}`;
      await registry.coops.upsert({
        id: coopId,
        name: coopId,
        countryCode: 'ET',
        timezone: 'Africa/Addis_Ababa',
      });
      const station = `wx-${c}`;
      await registry.devices.upsert({
        id: station,
        coopId,
        fieldId: null,
        zoneId: null,
        kind: 'weather-station',
        secretHash: 'x',
      });
      const weather: StoredReading[] = [];
      for (let d = 0; d <= SEASON_DAYS; d++) {
        const date = addDays(sowing, d);
        const day = stationDay(
          station,
          date,
          {
            tMaxC: 27 + ((d + c) % 5),
            tMinC: 11 + (d % 3),
            rhMaxPct: 85,
            rhMinPct: 30 + (d % 7),
            windMs: 2 + (d % 4) * 0.5,
            solarMJ: 20 + (d % 6),
            rainMm: d % 9 === 0 ? 12 : 0,
            pressureKPa: 83.4,
          },
          { utcOffsetMinutes: EAT, seqStart: d * 96 },
        );
        for (const r of day)
          if (r.timeMs <= nowMs)
            weather.push({ ...r, coopId, fieldId: null, zoneId: null, receivedMs: r.timeMs });
      }
      await store.write(weather);
      readings += weather.length;
    }
    for (let f = 0; f < FIELDS; f++) {
      const coopId = `coop-${Math.floor(f / FIELDS_PER_COOP)}`;
      const id = `field-${f}`;
      const base = fieldFixture({ id, coopId, plantingDate: sowing, elevationM: 1640 });
      const ring = base.boundary.coordinates[0]!;
      const zones = [0, 1, 2].map((z) => ({
        id: `${id}-z${z}`,
        areaHa: 0.2 + 0.1 * z,
        boundary: {
          type: 'Polygon' as const,
          coordinates: [ring.map(([x, y]) => [x + z * 1e-3, y] as [number, number])],
        },
        ...(z === 0
          ? { soil: { texture: 'sandy-loam' as const, fieldCapacity: 0.23, wiltingPoint: 0.1 } }
          : {}),
      }));
      await registry.fields.upsert({ ...base, areaHa: 0.9, zones, pumpFlowM3h: 20 });
      const soil: StoredReading[] = [];
      for (const [z, zone] of zones.entries()) {
        const deviceId = `probe-${f}-${z}`;
        await registry.devices.upsert({
          id: deviceId,
          coopId,
          fieldId: id,
          zoneId: zone.id,
          kind: 'soil-probe',
          secretHash: 'x',
        });
        const theta = 0.13 + ((f * 3 + z) % 11) * 0.01; // dry to wet across the zones
        for (let i = 0; i < 96; i++) {
          const timeMs = nowMs - (95 - i) * 900_000;
          soil.push({
            deviceId,
            stream: 'soil',
            timeMs,
            seq: i,
            values: { vwc10: theta - 0.01, vwc30: theta, vwc60: theta + 0.01, batteryPct: 90 },
            coopId,
            fieldId: id,
            zoneId: zone.id,
            receivedMs: timeMs,
          });
        }
      }
      await store.write(soil);
      readings += soil.length;
    }
    // A scene two days ago, processed: each field's and zone's NDVI (the N rate reads these).
    const sceneMs = nowMs - 2 * DAY_MS;
    const ok = (mean: number) => ({
      status: 'ok' as const,
      validFraction: 1,
      pixelCount: 40,
      ndvi: { mean, sd: 0.03, p10: mean - 0.04, p50: mean, p90: mean + 0.04 },
    });
    await registry.scenes.add(
      {
        id: 'S2-bench',
        ownerCoopId: null,
        acquiredMs: sceneMs,
        itemPath: 'bench',
        cloudCoverPct: 5,
        processedMs: sceneMs,
      },
      Array.from({ length: FIELDS }, (_, f) => ({
        sceneId: 'S2-bench',
        ownerCoopId: null,
        fieldId: `field-${f}`,
        acquiredMs: sceneMs,
        indices: {
          ...ok(0.6),
          zones: Object.fromEntries(
            [0, 1, 2].map((z) => [`field-${f}-z${z}`, ok(0.5 + 0.05 * ((f + z) % 5))]),
          ),
        },
      })),
    );
    const seedSeconds = (performance.now() - t0) / 1000;

    const workers = defaultPoolSize();
    const pool = await createWorkerPool({ size: workers });
    const service = createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock: () => nowMs,
    });
    const t1 = performance.now();
    const made = await service.runOnce();
    const seconds = (performance.now() - t1) / 1000;
    const stages = service.status().lastStagesMs;
    const irrigation = made.filter((p) => p.kind === 'irrigation');
    const nitrogen = made.filter((p) => p.kind === 'nitrogen');
    if (irrigation.length !== FIELDS || nitrogen.length !== FIELDS)
      throw new Error(
        `expected ${FIELDS} prescriptions of each kind, got ${irrigation.length} and ${nitrogen.length}`,
      );
    const rules = new Set(made.map((p) => p.provenance.rule.name));
    const irrigate = irrigation
      .flatMap((p) => p.zones ?? [])
      .filter((z) => z.action === 'irrigate').length;
    const fertilise = nitrogen
      .flatMap((p) => p.zones)
      .filter((z) => 'nKgHa' in z && z.nKgHa > 0).length;
    await service.close();
    await pool.close();
    await store.close();
    await registry.close();

    // The peer: the same rows, read and parsed, nothing computed.
    const db = new Database(join(dir, 'timeseries.sqlite'), { readonly: true });
    const byField = db.prepare(
      'SELECT values_json FROM readings WHERE field_id = ? AND stream = ? AND time_ms >= ? AND time_ms < ?',
    );
    const byDevice = db.prepare(
      'SELECT values_json FROM readings WHERE device_id = ? AND stream = ? AND time_ms >= ? AND time_ms < ?',
    );
    const sowingMs = localMidnightMs(sowing, EAT);
    const t2 = performance.now();
    let peerRows = 0;
    for (let c = 0; c < coops; c++)
      for (const row of byDevice.all(`wx-${c}`, 'weather', sowingMs, nowMs + 1) as {
        values_json: string;
      }[]) {
        JSON.parse(row.values_json);
        peerRows++;
      }
    for (let f = 0; f < FIELDS; f++) {
      for (const [stream, from] of [
        ['soil', nowMs - PROBE_LOOKBACK_DAYS * DAY_MS],
        ['status', sowingMs],
      ] as const)
        for (const row of byField.all(`field-${f}`, stream, from, nowMs + 1) as {
          values_json: string;
        }[]) {
          JSON.parse(row.values_json);
          peerRows++;
        }
    }
    const peerSeconds = (performance.now() - t2) / 1000;
    db.close();

    const perField = (ms: number) => Math.round((ms / FIELDS) * 1000) / 1000;
    console.error(
      `prescriptions: ${FIELDS} fields x 3 zones (${readings} readings, seeded in ${seedSeconds.toFixed(1)} s) ` +
        `in ${seconds.toFixed(2)} s on ${workers} worker(s): ${(FIELDS / seconds).toFixed(0)} fields/s; ` +
        `rules ${[...rules].join(', ')}; of ${FIELDS * 3} zones ${irrigate} to irrigate, ${fertilise} to fertilise\n` +
        `  per field, summed over lanes: query ${perField(stages.query)} ms, weather ${perField(stages.weather)} ms, ` +
        `compute ${perField(stages.compute)} ms, store ${perField(stages.store)} ms\n` +
        `  peer (bare better-sqlite3 read + JSON.parse of the same ${peerRows} rows): ${peerSeconds.toFixed(2)} s; ` +
        `ratio ours/peer ${(seconds / peerSeconds).toFixed(1)}`,
    );
    return {
      fields: FIELDS,
      zones: FIELDS * 3,
      workers,
      seconds,
      fieldsPerSec: FIELDS / seconds,
      queryMsPerField: perField(stages.query),
      weatherMsPerField: perField(stages.weather),
      computeMsPerField: perField(stages.compute),
      storeMsPerField: perField(stages.store),
      peerSeconds,
      ratio: seconds / peerSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
