import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { DAY_MS, round, type NitrogenPrescription, type StoredReading } from '@shamba/schemas';
import {
  coopFixture,
  DRY_SEASON_DAY,
  fieldFixture,
  stationDay,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { type Registry, type TimeSeriesStore } from '@shamba/storage';
import { fieldContext } from '../../prescriptions/field-context.js';
import { createFieldData } from '../../prescriptions/field-data.js';
import { DEFAULT_WINDOW_MS } from '../../prescriptions/prescription-service.js';
import { isNotApplicable, type RuleContext } from '../rule.js';
import { nitrogenRule } from './nitrogen-rule.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const COOP = 'coop-a';
const field = fieldFixture({ coopId: COOP, plantingDate: '2026-07-01' });

describe('nitrogen rule: plan and isCurrent against a real registry', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let lastWeatherMs: number;

  beforeEach(async () => {
    stores = await openTempStores('shamba-n-rule-');
    ({ registry, store } = stores);
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.devices.upsert(weatherStationFixture({ coopId: COOP }));
    await registry.fields.upsert(field);
    const readings = stationReadings(['2026-08-10', '2026-08-11'], {
      coopId: COOP,
      utcOffsetMinutes: EAT,
    });
    await store.write(readings);
    lastWeatherMs = readings.at(-1)!.timeMs;
  });
  afterEach(async () => {
    await stores.close();
  });

  const stored = (r: Omit<StoredReading, 'coopId' | 'fieldId' | 'zoneId' | 'receivedMs'>) => ({
    ...r,
    coopId: COOP,
    fieldId: null,
    zoneId: null,
    receivedMs: r.timeMs,
  });

  /** What the pass would know of the field now (a new pass: nothing cached). */
  async function context(): Promise<RuleContext> {
    const clock = () => lastWeatherMs;
    const c = await fieldContext(field, {
      registry,
      store,
      data: createFieldData({ registry, store, clock }),
      timed: (_stage, work) => work(),
      createdAtMs: clock(),
      windowMs: DEFAULT_WINDOW_MS,
    });
    if (c === undefined) throw new Error('the field has readings');
    return c;
  }

  /** The rule's plan run through its task, as the pass does. */
  async function prescribe(c: RuleContext): Promise<NitrogenPrescription> {
    const plan = await nitrogenRule.plan(field, c);
    if (isNotApplicable(plan)) throw new Error(plan.notApplicable);
    return nitrogenRule.task.run(plan.input);
  }

  async function addScene(id: string, acquiredMs: number) {
    const scene = { id, ownerCoopId: null, acquiredMs, itemPath: 'x', cloudCoverPct: 0 };
    const ndvi = { mean: 0.6, sd: 0.02, p10: 0.58, p50: 0.6, p90: 0.62 };
    await registry.scenes.add({ ...scene, processedMs: acquiredMs }, [
      {
        sceneId: id,
        ownerCoopId: null,
        fieldId: field.id,
        acquiredMs,
        indices: { status: 'ok', validFraction: 1, pixelCount: 40, ndvi },
      },
    ]);
  }

  it('holds until a new scene, a new parameter set or newer readings', async () => {
    const first = await context();
    const p0 = await prescribe(first);
    expect(p0.provenance).toEqual({
      rule: { name: 'osu-sbnrc-nitrogen', version: '2.0.0' },
      parameterSet: 'built-in',
      sceneId: null,
      sceneNote: first.sceneNote,
      forecastIssuedAt: null,
    });
    expect(first.sceneNote.length).toBeGreaterThan(0);
    expect(p0.asOfMs).toBe(lastWeatherMs);
    expect(nitrogenRule.isCurrent(p0, first)).toBe(true);
    expect(nitrogenRule.isCurrent(p0, await context())).toBe(true);

    // A new clear scene of the field.
    await addScene('S2-a', lastWeatherMs - DAY_MS);
    const withScene = await context();
    expect(withScene.scene?.sceneId).toBe('S2-a');
    expect(nitrogenRule.isCurrent(p0, withScene)).toBe(false);
    const p1 = await prescribe(withScene);
    expect(p1.provenance.sceneId).toBe('S2-a');
    expect(nitrogenRule.isCurrent(p1, withScene)).toBe(true);

    // A new parameter set published by the cooperative.
    await registry.parameterSets.add(
      COOP,
      { note: 'local trial', crops: {} },
      { author: 'agronomist', atMs: lastWeatherMs },
    );
    const retuned = await context();
    expect(retuned.parameterSet).toBe(`${COOP}@1`);
    expect(nitrogenRule.isCurrent(p1, retuned)).toBe(false);
    const p2 = await prescribe(retuned);
    expect(p2.provenance.parameterSet).toBe(`${COOP}@1`);
    expect(nitrogenRule.isCurrent(p2, retuned)).toBe(true);

    // Newer readings from the station.
    const [next] = stationDay('wx-1', '2026-08-12', DRY_SEASON_DAY, {
      utcOffsetMinutes: EAT,
      seqStart: 2 * 96,
    });
    await store.write([stored(next!)]);
    lastWeatherMs = next!.timeMs;
    const newer = await context();
    expect(newer.asOfMs).toBe(next!.timeMs);
    expect(nitrogenRule.isCurrent(p2, newer)).toBe(false);
    expect(nitrogenRule.isCurrent(await prescribe(newer), newer)).toBe(true);
  });

  it("reads the field's recorded fertiliser and subtracts it", async () => {
    const before = await prescribe(await context());
    await registry.fertiliserApplications.add({
      fieldId: field.id,
      coopId: COOP,
      date: '2026-08-01',
      product: 'urea',
      amount: 100,
      unit: 'kg-product-ha',
      nKgHa: 46,
      recordedBy: { name: 'A', role: 'agronomist' },
      recordedAtMs: lastWeatherMs,
    });
    const after = await prescribe(await context());
    expect(after.appliedN).toMatchObject({ totalKgHa: 46, applications: [{ nKgHa: 46 }] });
    expect(round(before.nKgHa - after.nKgHa, 1)).toBe(46);
  });

  it('gives a rate by the N budget for a field with probes and no station', async () => {
    // The station moves to another cooperative; the field has a probe reading.
    await registry.devices.upsert({ ...weatherStationFixture({ coopId: COOP }), coopId: 'coop-z' });
    await store.write([
      {
        deviceId: 'probe-1',
        stream: 'soil',
        timeMs: lastWeatherMs,
        seq: 0,
        values: { vwc10: 0.2, vwc30: 0.22, vwc60: 0.24 },
        coopId: COOP,
        fieldId: field.id,
        zoneId: null,
        receivedMs: lastWeatherMs,
      },
    ]);
    const c = await context();
    expect([c.stations, c.newestWeather]).toEqual([[], undefined]);
    const p = await prescribe(c);
    expect(p.zones.map((z) => z.status)).toEqual(['n-budget']);
    expect(p.action).toBe('fertilise');
  });
});
