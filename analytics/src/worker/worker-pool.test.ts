import { fieldFixture } from '@shamba/schemas/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runTask } from './tasks.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

const field = fieldFixture({
  name: 'Teff',
  crop: 'teff',
  areaHa: 0.5,
  soil: { texture: 'sandy-loam', fieldCapacity: 0.23, wiltingPoint: 0.1 },
  rootDepthM: 0.5,
  irrigationMethod: 'hand',
});
const T = Date.UTC(2026, 8, 1);
const input = {
  field,
  readings: [
    {
      deviceId: 'probe-1',
      stream: 'soil' as const,
      timeMs: T,
      seq: 3,
      values: { vwc10: 0.12, vwc30: 0.14, vwc60: 0.16 },
      coopId: 'coop-a',
      fieldId: 'field-1',
      zoneId: null,
      receivedMs: T,
    },
  ],
  fromMs: T - 1,
  toMs: T + 1,
  createdAtMs: T,
};

describe('analytics worker pool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('loads TF.js in a worker and names its backend', { timeout: 30_000 }, async () => {
    pool = await createWorkerPool({ size: 1 });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await pool.run('models.backend', null));
  });

  it('gives in a worker thread exactly what the pure function gives in this thread', async () => {
    pool = await createWorkerPool({ size: 2 });
    const expected = await runTask('irrigation.soil-moisture', input);
    expect(expected.action).toBe('irrigate');
    const results = await Promise.all(
      [1, 2, 3].map(() => pool!.run('irrigation.soil-moisture', input)),
    );
    expect(results).toEqual([expected, expected, expected]);
    expect(pool.status()).toMatchObject({ size: 2, alive: 2, pending: 0, completed: 3, failed: 0 });
  });

  it('turns a task that throws into WORKER_FAILED and keeps serving', async () => {
    pool = await createWorkerPool({ size: 1 });
    const broken = { ...input, field: { ...field, soil: undefined } } as unknown as typeof input;
    await expect(pool.run('irrigation.soil-moisture', broken)).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    });
    expect((await pool.run('irrigation.soil-moisture', input)).action).toBe('irrigate');
  });

  it('runs in the calling thread at size 0', async () => {
    pool = await createWorkerPool({ size: 0 });
    expect(await pool.run('irrigation.soil-moisture', input)).toEqual(
      await runTask('irrigation.soil-moisture', input),
    );
  });
});
