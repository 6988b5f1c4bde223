import type { Logger } from 'pino';
import type { Field, Prescription } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { WorkerPool } from '../worker/worker-pool.js';

export interface PrescriptionServiceOptions {
  registry: Registry;
  store: TimeSeriesStore;
  pool: WorkerPool;
  logger: Logger;
  clock?: () => number;
  /** How often fields are checked for new readings. */
  intervalMs?: number;
  /**
   * Readings older than this before the newest one are not used. Six hours spans a day's worth
   * of missed 15-minute samples from a probe with a weak signal, yet excludes yesterday's state.
   */
  windowMs?: number;
}

export interface PrescriptionService extends AsyncDisposable {
  /** Recomputes every field whose newest soil reading is newer than its latest prescription. */
  runOnce(): Promise<Prescription[]>;
  start(): void;
  status(): { runs: number; lastRunMs: number | null; lastError: string | null };
  close(): Promise<void>;
}

export const DEFAULT_WINDOW_MS = 6 * 3_600_000;

export function createPrescriptionService(
  options: PrescriptionServiceOptions,
): PrescriptionService {
  const { registry, store, pool, logger } = options;
  const clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const state = { runs: 0, lastRunMs: null as number | null, lastError: null as string | null };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Prescription[]> | undefined;

  async function prescribe(field: Field): Promise<Prescription | undefined> {
    const [newest] = await store.query({
      fieldId: field.id,
      stream: 'soil',
      fromMs: 0,
      toMs: Number.MAX_SAFE_INTEGER,
      limit: 1,
    });
    if (newest === undefined) return undefined;
    const previous = await registry.prescriptions.latest(field.id);
    if (previous !== undefined && previous.asOfMs >= newest.timeMs) return undefined;
    const fromMs = newest.timeMs - windowMs;
    const toMs = newest.timeMs + 1;
    const readings = await store.query({ fieldId: field.id, stream: 'soil', fromMs, toMs });
    const prescription = await pool.run('irrigation.soil-moisture', {
      field,
      readings,
      fromMs,
      toMs,
      createdAtMs: clock(),
    });
    await registry.prescriptions.add(prescription);
    logger.debug(
      { fieldId: field.id, action: prescription.action, grossDepthMm: prescription.grossDepthMm },
      'prescription',
    );
    return prescription;
  }

  async function runOnce(): Promise<Prescription[]> {
    const made: Prescription[] = [];
    for (const field of await registry.fields.list()) {
      try {
        const prescription = await prescribe(field);
        if (prescription !== undefined) made.push(prescription);
      } catch (error) {
        // One field's failure must not stop the others.
        state.lastError = error instanceof Error ? error.message : String(error);
        logger.error({ err: error, fieldId: field.id }, 'prescription failed');
      }
    }
    state.runs++;
    state.lastRunMs = clock();
    return made;
  }

  const close = async () => {
    clearInterval(timer);
    timer = undefined;
    await running;
  };
  return {
    runOnce: () => {
      // Never two passes at once: a slow pass is joined, not doubled.
      running ??= runOnce().finally(() => (running = undefined));
      return running;
    },
    start() {
      timer ??= setInterval(() => {
        running ??= runOnce().finally(() => (running = undefined));
      }, options.intervalMs ?? 5000);
    },
    status: () => ({ ...state }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
