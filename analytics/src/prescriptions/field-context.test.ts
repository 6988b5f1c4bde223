import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { DAY_MS } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createSceneService } from '../scenes/scene-service.js';
import { writePlotScene } from '../testing/plot-scenes.js';
import { rectangle, X0, Y0 } from '../testing/utm-plot.js';
import { EAT } from '../testing/ziway-plots.js';
import { createWorkerPool } from '../worker/worker-pool.js';
import { createFieldData } from './field-data.js';
import { createPrescriptionService } from './prescription-service.js';
import { fieldContext } from './field-context.js';

const COOP = 'coop-a';
/** The plot scenes' canopy: red 0.05, NIR 0.40 (Rouse et al. 1974: (0.40 - 0.05) / 0.45). */
const NDVI = expect.closeTo(0.7778, 3) as unknown;
// The plot of utm-plot.ts in two zones of 1 ha; the west one is the N-rich reference strip.
const field = fieldFixture({
  coopId: COOP,
  areaHa: 2,
  plantingDate: '2026-07-01',
  boundary: rectangle(X0, Y0, X0 + 200, Y0 + 100),
  zones: [
    {
      id: 'z-west',
      boundary: rectangle(X0, Y0, X0 + 100, Y0 + 100),
      areaHa: 1,
      nRichStrip: true,
    },
    { id: 'z-east', boundary: rectangle(X0 + 100, Y0, X0 + 200, Y0 + 100), areaHa: 1 },
  ],
});

describe("a field's context: the scene its rules read", () => {
  let stores: TempStores;
  let dir: string;
  let registry: Registry;
  let store: TimeSeriesStore;

  beforeEach(async () => {
    stores = await openTempStores('shamba-context-');
    ({ dir, registry, store } = stores);
  });
  afterEach(async () => {
    await stores.close();
  });

  it('is not a newer scene that saw only part of the field, which the note names with its cover', async () => {
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.devices.upsert(weatherStationFixture({ coopId: COOP }));
    await registry.fields.upsert(field);
    const readings = stationReadings(['2026-08-10', '2026-08-11', '2026-08-12'], {
      coopId: COOP,
      utcOffsetMinutes: EAT,
    });
    await store.write(readings);
    const asOfMs = readings.at(-1)!.timeMs;
    const nowMs = asOfMs + 60_000;

    // Both through the watch folder: a whole view on the 5th, and on the 10th a raster that
    // ends 80 m into the plot (the east zone outside it), which alone would leave that zone,
    // half the field, without an N rate.
    const scenesDir = join(dir, 'scenes');
    const day = (d: number) => Date.UTC(2026, 7, d, 8);
    writePlotScene(join(scenesDir, 'S-whole'), { id: 'S-whole', acquiredMs: day(5) });
    writePlotScene(join(scenesDir, 'S-edge'), { id: 'S-edge', acquiredMs: day(10), columns: 18 });
    const logger = pino({ level: 'silent' });
    const scenes = createSceneService({ registry, logger, scenesDir, clock: () => nowMs });
    expect(await scenes.runOnce()).toBe(2);
    await scenes.close();

    const data = createFieldData({ registry, store, clock: () => nowMs });
    const context = await fieldContext(field, {
      registry,
      store,
      data,
      timed: (_stage, work) => work(),
      createdAtMs: nowMs,
      windowMs: 3 * DAY_MS,
    });
    expect(context?.scene).toEqual({
      sceneId: 'S-whole',
      acquiredMs: day(5),
      ndviByZone: { 'z-west': NDVI, 'z-east': NDVI },
      ndmiByZone: { 'z-west': null, 'z-east': null },
    });
    expect(context?.sceneNote).toBe(
      'S-whole (2026-08-05): the newest scene up to the readings with 100 % of the field clear ' +
        '(at least 60 % needed). Newer scenes passed over: S-edge (2026-08-10): covers only ' +
        '40 % of the field (40 % clear)',
    );

    // The field's nitrogen advice comes from the whole view, and its provenance says why.
    await using pool = await createWorkerPool({ size: 0 });
    const service = createPrescriptionService({
      registry,
      store,
      pool,
      logger,
      clock: () => nowMs,
    });
    const nitrogen = (await service.runOnce()).find((p) => p.kind === 'nitrogen');
    await service.close();
    expect(nitrogen?.provenance).toMatchObject({
      sceneId: 'S-whole',
      sceneNote: expect.stringContaining(context!.sceneNote) as unknown,
    });
    expect(nitrogen?.zones.map((z) => z.zoneId)).toEqual(['z-west', 'z-east']);
  });
});
