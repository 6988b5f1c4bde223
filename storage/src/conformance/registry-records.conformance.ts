import type { WeatherForecast, YieldHistoryRow } from '@shamba/schemas';
import { expect, it } from 'vitest';
import type {
  FieldSceneIndices,
  NewDeadLetter,
  QuarantinedScene,
  Registry,
} from '../ports/registry.js';
import type { RegistryConformanceTarget } from './registry.conformance.js';

const letter = (coopId: string | null, deviceId: string | null, i: number): NewDeadLetter => ({
  receivedMs: 1000 + i,
  deviceId,
  coopId,
  topic: `shamba/v1/${coopId}/${deviceId}/up/soil`,
  code: 'INVALID_PAYLOAD',
  reason: `bad ${i}`,
  payload: Uint8Array.of(i % 256),
});

const scene = (ownerCoopId: string | null, acquiredMs: number) => ({
  id: 'S2-X',
  ownerCoopId,
  acquiredMs,
  itemPath: `${ownerCoopId ?? 'shared'}/item.json`,
  cloudCoverPct: 0,
  processedMs: acquiredMs,
});
const ndvi = (mean: number) => ({ mean, sd: 0.02, p10: mean - 0.03, p50: mean, p90: mean + 0.03 });
/** Typed indices (FieldIndicesSchema): the field's, and a cloudy zone beside a clear one. */
const indices = (
  ownerCoopId: string | null,
  fieldId: string,
  acquiredMs: number,
): FieldSceneIndices => ({
  sceneId: 'S2-X',
  ownerCoopId,
  fieldId,
  acquiredMs,
  indices: {
    status: 'ok',
    validFraction: 0.9,
    pixelCount: acquiredMs,
    ndvi: ndvi(0.6),
    savi: ndvi(0.4),
    ndmi: null,
    zones: {
      [`${fieldId}-z1`]: { status: 'cloudy', validFraction: 0.1, pixelCount: 20 },
      [`${fieldId}-z2`]: {
        status: 'ok',
        validFraction: 1,
        pixelCount: 20,
        ndvi: ndvi(0.7),
        savi: ndvi(0.5),
        ndmi: ndvi(0.2),
      },
    },
  },
});
const quarantined = (ownerCoopId: string | null, atMs: number): QuarantinedScene => ({
  path: `/q/${atMs}`,
  name: 'item.json',
  ownerCoopId,
  code: 'RASTER_INVALID',
  reason: 'not a STAC item',
  atMs,
});

const forecast = (issuedAt: string, rainMm: number): WeatherForecast => ({
  source: 'NMA Ethiopia',
  issuedAt,
  days: [{ date: '2026-03-02', rainMm, et0Mm: 4.1 }],
});
const season = (name: string, fieldId: string, yieldTHa: number): YieldHistoryRow => ({
  season: name,
  field_id: fieldId,
  crop: 'maize',
  yield_t_ha: yieldTHa,
  nitrogen_kg_ha: 60,
  taw_mm: 80,
  rain_mm: 450,
  gdd_per_day: 14,
  eta_over_etc: 0.8,
  ndvi_peak: 0.78,
  ndvi_integral: 0.5,
});

/**
 * The registry's records (scenes, parameter sets, forecasts, yield history, dead letters), run
 * inside describeRegistry, whose hooks open a registry (caps: CONFORMANCE_CAPS) for each test.
 */
export function describeRegistryRecords(
  target: RegistryConformanceTarget,
  current: () => Registry,
): void {
  it('keeps scenes apart by owner: same id, own and shared visible, others not', async () => {
    const registry = current();
    await registry.scenes.add(scene(null, 10), [indices(null, 'a-1', 10)]);
    await registry.scenes.add(scene('coop-b', 20), [indices('coop-b', 'b-1', 20)]);
    await registry.scenes.add(scene('coop-a', 5), [indices('coop-a', 'a-1', 5)]);
    // Registering a scene again replaces it and its indices (here: a later acquisition time).
    await registry.scenes.add(scene('coop-a', 30), [indices('coop-a', 'a-1', 30)]);
    expect(await registry.scenes.has(null, 'S2-X')).toBe(true);
    expect(await registry.scenes.has('coop-b', 'S2-X')).toBe(true);
    expect(await registry.scenes.has('coop-c', 'S2-X')).toBe(false);
    expect(await registry.scenes.has(null, 'S2-Y')).toBe(false);
    expect((await registry.scenes.list({ visibleTo: 'coop-a' })).map((s) => s.itemPath)).toEqual([
      'shared/item.json',
      'coop-a/item.json',
    ]);
    expect(await registry.scenes.list({ visibleTo: 'coop-a' })).toEqual([
      scene(null, 10),
      scene('coop-a', 30),
    ]);
    expect((await registry.scenes.list()).map((s) => s.ownerCoopId)).toEqual([
      null,
      'coop-b',
      'coop-a',
    ]);
    expect(await registry.scenes.fieldSeries('a-1')).toEqual([
      indices(null, 'a-1', 10),
      indices('coop-a', 'a-1', 30),
    ]);
    // Indices another cooperative's scene left on a field stay out of the field's own series.
    await registry.scenes.add(scene('coop-c', 40), [indices('coop-c', 'a-1', 40)]);
    expect((await registry.scenes.fieldSeries('a-1')).map((f) => f.ownerCoopId)).toEqual([
      null,
      'coop-a',
      'coop-c',
    ]);
    expect(await registry.scenes.fieldSeries('a-1', { visibleTo: 'coop-a' })).toEqual([
      indices(null, 'a-1', 10),
      indices('coop-a', 'a-1', 30),
    ]);
    expect(await registry.scenes.fieldSeries('z-1')).toEqual([]);
  });

  it('lists quarantined scenes newest first, a cooperative its own and the shared', async () => {
    const registry = current();
    await registry.scenes.quarantine(quarantined(null, 1));
    await registry.scenes.quarantine(quarantined('coop-b', 2));
    await registry.scenes.quarantine(quarantined('coop-a', 3));
    expect(await registry.scenes.quarantined({ coopId: 'coop-a' })).toEqual([
      quarantined('coop-a', 3),
      quarantined(null, 1),
    ]);
    expect(await registry.scenes.quarantined({ coopId: 'coop-c' })).toEqual([quarantined(null, 1)]);
    expect((await registry.scenes.quarantined()).map((q) => q.atMs)).toEqual([3, 2, 1]);
  });

  it('publishes parameter sets as numbered versions per cooperative, never editing one', async () => {
    const registry = current();
    const maize = { crops: { maize: { depletionFraction: 0.45 } } };
    const [a1, a2, b1] = [
      await registry.parameterSets.add(
        'coop-a',
        { note: 'trial 2025', ...maize },
        { author: 'Dr. A', atMs: 1 },
      ),
      await registry.parameterSets.add(
        'coop-a',
        { note: 'trial 2026', crops: {} },
        { author: 'Dr. A', atMs: 2 },
      ),
      await registry.parameterSets.add(
        'coop-b',
        { note: 'regional', ...maize },
        { author: 'Dr. B', atMs: 3 },
      ),
    ];
    expect([a1.version, a2.version, b1.version]).toEqual([1, 2, 1]);
    expect(a1).toEqual({
      note: 'trial 2025',
      ...maize,
      coopId: 'coop-a',
      version: 1,
      createdAtMs: 1,
      author: 'Dr. A',
    });
    expect((await registry.parameterSets.latest('coop-a'))?.note).toBe('trial 2026');
    expect(await registry.parameterSets.latest('coop-a')).toEqual(a2);
    expect(await registry.parameterSets.get('coop-a', 1)).toEqual(a1);
    expect(await registry.parameterSets.get('coop-a', 3)).toBeUndefined();
    expect((await registry.parameterSets.list('coop-a')).map((s) => s.version)).toEqual([2, 1]);
    expect(await registry.parameterSets.list('coop-b')).toEqual([b1]);
    expect(await registry.parameterSets.list('coop-c')).toEqual([]);
    expect(await registry.parameterSets.latest('coop-c')).toBeUndefined();
    // Concurrent publications still get distinct versions.
    const many = await Promise.all(
      [1, 2, 3].map((i) =>
        registry.parameterSets.add(
          'coop-c',
          { note: `n${i}`, crops: {} },
          { author: 'X', atMs: i },
        ),
      ),
    );
    expect(many.map((s) => s.version).sort()).toEqual([1, 2, 3]);
  });

  it("keeps each cooperative's newest forecast, by the instant it was issued", async () => {
    const registry = current();
    const morning = forecast('2026-03-01T06:00:00Z', 2);
    await registry.weatherForecasts.put('coop-a', morning);
    // 08:00 in Addis Ababa is 05:00 UTC: older than the kept one, so ignored.
    await registry.weatherForecasts.put('coop-a', forecast('2026-03-01T08:00:00+03:00', 9));
    expect(await registry.weatherForecasts.latest('coop-a')).toEqual(morning);
    const evening = forecast('2026-03-01T18:00:00Z', 0);
    await registry.weatherForecasts.put('coop-a', evening);
    await registry.weatherForecasts.put('coop-b', morning);
    expect(await registry.weatherForecasts.latest('coop-a')).toEqual(evening);
    expect(await registry.weatherForecasts.latest('coop-b')).toEqual(morning);
    expect(await registry.weatherForecasts.latest('coop-c')).toBeUndefined();
  });

  it('keeps yield history per cooperative, replacing by season and field', async () => {
    const registry = current();
    expect(
      await registry.yieldHistory.put('coop-a', [
        season('2025-meher', 'f-2', 4),
        season('2024-meher', 'f-1', 3),
      ]),
    ).toBe(2);
    expect(await registry.yieldHistory.put('coop-b', [season('2025-meher', 'f-9', 1)])).toBe(1);
    // The same field-season again replaces it; the count is of every row kept.
    expect(
      await registry.yieldHistory.put('coop-a', [
        season('2025-meher', 'f-2', 5),
        season('2025-meher', 'f-1', 6),
      ]),
    ).toBe(3);
    expect(await registry.yieldHistory.list('coop-a')).toEqual([
      season('2024-meher', 'f-1', 3),
      season('2025-meher', 'f-1', 6),
      season('2025-meher', 'f-2', 5),
    ]);
    expect(await registry.yieldHistory.list('coop-c')).toEqual([]);
  });

  it("deletes a cooperative's field-season or whole season, never another's", async () => {
    const registry = current();
    await registry.yieldHistory.put('coop-a', [
      season('2024-meher', 'f-1', 3),
      season('2025-meher', 'f-1', 4),
      season('2025-meher', 'f-2', 5),
    ]);
    await registry.yieldHistory.put('coop-b', [season('2025-meher', 'f-1', 1)]);
    const oneField = { season: '2025-meher', fieldId: 'f-2' };
    expect(await registry.yieldHistory.delete('coop-a', oneField)).toBe(1);
    expect(await registry.yieldHistory.delete('coop-a', oneField)).toBe(0);
    expect(await registry.yieldHistory.list('coop-a')).toEqual([
      season('2024-meher', 'f-1', 3),
      season('2025-meher', 'f-1', 4),
    ]);
    expect(await registry.yieldHistory.delete('coop-a', { season: '2025-meher' })).toBe(1);
    expect(await registry.yieldHistory.list('coop-a')).toEqual([season('2024-meher', 'f-1', 3)]);
    // The same season and field id in another cooperative: untouched.
    expect(await registry.yieldHistory.list('coop-b')).toEqual([season('2025-meher', 'f-1', 1)]);
  });

  it('folds identical dead letters into one row and keeps only the newest past the cap', async () => {
    const registry = current();
    await registry.deadLetters.add(letter('coop-a', 'soil-1', 1));
    await registry.deadLetters.add({ ...letter('coop-a', 'soil-1', 1), receivedMs: 1500 });
    await registry.deadLetters.add({ ...letter('coop-a', 'soil-1', 1), receivedMs: 1600 });
    expect((await registry.deadLetters.list()).map((d) => [d.reason, d.count])).toEqual([
      ['bad 1', 3],
    ]);
    const [folded] = await registry.deadLetters.list();
    expect(folded).toEqual({
      id: folded!.id,
      receivedMs: 1001,
      lastMs: 1600,
      deviceId: 'soil-1',
      coopId: 'coop-a',
      topic: 'shamba/v1/coop-a/soil-1/up/soil',
      code: 'INVALID_PAYLOAD',
      reason: 'bad 1',
      payload: Uint8Array.of(1),
      payloadBytes: 1,
      count: 3,
    });
    for (const i of [2, 3, 4, 5]) await registry.deadLetters.add(letter('coop-a', 'soil-1', i));
    const kept = await registry.deadLetters.list();
    expect(kept.map((d) => d.reason)).toEqual(['bad 5', 'bad 4', 'bad 3']);
    expect(kept[0]!.payload).toEqual(Uint8Array.of(5));
  });

  it("caps dead letters per cooperative and per device: one tenant's flood keeps the other's", async () => {
    const registry = current();
    for (const i of [1, 2]) await registry.deadLetters.add(letter('coop-a', 'a-probe', i));
    // Coop B floods from many devices: its own oldest go, coop A's stay.
    for (let i = 0; i < 40; i++) await registry.deadLetters.add(letter('coop-b', `b-${i % 8}`, i));
    expect((await registry.deadLetters.list({ coopId: 'coop-a' })).map((d) => d.reason)).toEqual([
      'bad 2',
      'bad 1',
    ]);
    expect((await registry.deadLetters.list({ coopId: 'coop-b' })).map((d) => d.reason)).toEqual([
      'bad 39',
      'bad 38',
      'bad 37',
      'bad 36',
      'bad 35',
    ]);
    // One device of coop A: its own cap (3) leaves room for the cooperative's others.
    for (let i = 10; i < 20; i++) await registry.deadLetters.add(letter('coop-a', 'a-noisy', i));
    expect(
      (await registry.deadLetters.list({ coopId: 'coop-a' })).map((d) => [d.deviceId, d.reason]),
    ).toEqual([
      ['a-noisy', 'bad 19'],
      ['a-noisy', 'bad 18'],
      ['a-noisy', 'bad 17'],
      ['a-probe', 'bad 2'],
      ['a-probe', 'bad 1'],
    ]);
    // Letters of no cooperative and no device (a CONNECT refused before it named one) share one
    // cap, and leave every cooperative's letters alone.
    for (let i = 50; i < 58; i++) await registry.deadLetters.add(letter(null, null, i));
    const unattributed = (await registry.deadLetters.list()).filter((d) => d.coopId === null);
    expect(unattributed.map((d) => [d.deviceId, d.reason])).toEqual(
      [57, 56, 55, 54, 53].map((i) => [null, `bad ${i}`]),
    );
    expect((await registry.deadLetters.list({ coopId: 'coop-a' })).length).toBe(5);
  });

  it('folds a fold key into one row with the newest details, and pages by id', async () => {
    const registry = current();
    for (let i = 0; i < 4; i++)
      await registry.deadLetters.add({
        ...letter('coop-a', 'a-1', i),
        topic: `shamba/v1/coop-b/x-${i}/up/soil`,
        code: 'NOT_AUTHORIZED',
        foldKey: 'a-1\0NOT_AUTHORIZED',
      });
    const [folded] = await registry.deadLetters.list();
    expect(folded).toMatchObject({
      topic: 'shamba/v1/coop-b/x-3/up/soil',
      reason: 'bad 3',
      count: 4,
      receivedMs: 1000,
      lastMs: 1003,
    });
    for (const i of [7, 8, 9]) await registry.deadLetters.add(letter('coop-a', 'a-2', i));
    const page1 = await registry.deadLetters.list({ limit: 2 });
    const page2 = await registry.deadLetters.list({ limit: 2, beforeId: page1.at(-1)!.id });
    expect([...page1, ...page2].map((d) => d.reason)).toEqual(['bad 9', 'bad 8', 'bad 7', 'bad 3']);
    expect((await registry.deadLetters.list({ deviceId: 'a-1' })).length).toBe(1);
    expect(await registry.deadLetters.list({ deviceId: 'a-1' })).toEqual([folded]);
    expect(
      (await registry.deadLetters.list({ coopId: 'coop-a', deviceId: 'a-2', limit: 1 })).map(
        (d) => d.reason,
      ),
    ).toEqual(['bad 9']);
    expect(await registry.deadLetters.list({ coopId: 'coop-b' })).toEqual([]);
  });

  it('cuts a long reason and a large payload, keeping the payload size', async () => {
    const registry = current();
    const { reasonChars, payloadBytes } = target.cuts;
    await registry.deadLetters.add({
      ...letter('coop-a', 'a-1', 1),
      reason: 'x'.repeat(150_000),
      payload: new Uint8Array(16_384).fill(7),
    });
    const [stored] = await registry.deadLetters.list();
    expect(stored!.reason.length).toBeLessThanOrEqual(reasonChars);
    expect(stored!.reason).toMatch(/\(150000 characters, cut\)$/);
    expect(stored!.reason).toHaveLength(reasonChars);
    expect(stored!.payload).toEqual(new Uint8Array(payloadBytes).fill(7));
    expect(stored!.payloadBytes).toBe(16_384);
  });
}
