import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, ShambaError, isShambaError, type ErrorCode } from '@shamba/schemas';
import { runTask, type TaskInput, type TaskName, type TaskOutput } from './tasks.js';

export interface WorkerPoolOptions {
  /** Worker threads; 0 runs tasks in the calling thread (tests, tiny boxes). */
  size?: number;
  /** Each worker's heap cap: a runaway task fails alone instead of taking the process down. */
  maxOldGenerationSizeMb?: number;
}

export interface WorkerPoolStatus {
  size: number;
  alive: number;
  pending: number;
  completed: number;
  failed: number;
}

export interface WorkerPool extends AsyncDisposable {
  /** Runs a task on the next worker; with `timeoutMs`, a task past its time stops its worker. */
  run<T extends TaskName>(
    task: T,
    input: TaskInput<T>,
    options?: { timeoutMs?: number },
  ): Promise<TaskOutput<T>>;
  status(): WorkerPoolStatus;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Replaced already (its task overran): its exit must not start another. */
  retired?: boolean;
}

/**
 * What a caller learns of a task that failed with anything but a ShambaError (a geotiff or
 * file error can name a server path): this, with the original kept as `cause` for whoever logs
 * it, never in the message an API client sees.
 */
const TASK_FAILED = 'the analytics task failed';
const taskFailed = (cause: unknown) => new ShambaError('WORKER_FAILED', TASK_FAILED, { cause });

const WORKER_URL = new URL('./analytics-worker.ts', import.meta.url);
// In the built CLI (`pnpm build`: cli/dist/shamba.mjs) the worker is a bundle beside it.
const BUILT_WORKER_URL = new URL('./analytics-worker.mjs', import.meta.url);

/**
 * From sources, a worker thread does not inherit the parent's TypeScript loader, and on Node 20
 * `--import tsx` in a worker's execArgv does not cover the worker's own entry module, so a tiny
 * bootstrap registers tsx first, then imports it. The built CLI starts its bundled worker as is.
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (import.meta.url.endsWith('.mjs') && existsSync(fileURLToPath(BUILT_WORKER_URL)))
    return { entry: BUILT_WORKER_URL, eval: false };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return {
    entry: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`,
    eval: true,
  };
}

export function defaultPoolSize(): number {
  // Leave one core for the broker and the API.
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function createWorkerPool(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const size = options.size ?? defaultPoolSize();
  const stats = { completed: 0, failed: 0 };
  let nextId = 0;
  let turn = 0;
  let closed = false;
  const slots: Slot[] = [];

  const spawn = (index: number) => {
    const { entry, eval: evaluate } = workerEntry();
    const worker = new Worker(entry, {
      eval: evaluate,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 512 },
    });
    const slot: Slot = { worker, pending: new Map() };
    worker.on(
      'message',
      (message: { id: number; ok: boolean; value?: never; message?: string; code?: string }) => {
        const pending = slot.pending.get(message.id);
        if (pending === undefined) return;
        slot.pending.delete(message.id);
        if (message.ok) {
          stats.completed++;
          pending.resolve(message.value as never);
        } else {
          stats.failed++;
          // A task's own ShambaError keeps its code and message (RASTER_INVALID stays
          // RASTER_INVALID); anything else is said generically.
          const code = message.code;
          pending.reject(
            code !== undefined && (ERROR_CODES as readonly string[]).includes(code)
              ? new ShambaError(code as ErrorCode, message.message ?? TASK_FAILED)
              : taskFailed(new Error(message.message)),
          );
        }
      },
    );
    const fail = (error: Error) => {
      for (const pending of slot.pending.values()) {
        stats.failed++;
        pending.reject(
          new ShambaError('WORKER_FAILED', 'the analytics worker stopped', { cause: error }),
        );
      }
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new Error(`exit code ${code}`));
      // A crashed worker is replaced, so one bad task does not shrink the pool for good.
      if (!closed && slot.retired !== true) slots[index] = spawn(index);
    });
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(spawn(i));

  const close = async () => {
    closed = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };
  const pool: WorkerPool = {
    run(task, input, runOptions = {}) {
      if (closed) return Promise.reject(new ShambaError('WORKER_FAILED', 'worker pool is closed'));
      if (slots.length === 0) {
        return runTask(task, input).then(
          (value) => {
            stats.completed++;
            return value;
          },
          (error: unknown) => {
            stats.failed++;
            throw isShambaError(error) ? error : taskFailed(error);
          },
        );
      }
      const index = turn++ % slots.length;
      const slot = slots[index]!;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, task, input });
        const { timeoutMs } = runOptions;
        if (timeoutMs === undefined) return;
        // The watchdog: a task past its time (a decoder caught in a loop) stops its worker;
        // the pool starts a fresh one, and the other tasks of that worker fail and are retried.
        const timer = setTimeout(() => {
          const pending = slot.pending.get(id);
          if (pending === undefined) return;
          slot.pending.delete(id);
          stats.failed++;
          pending.reject(
            new ShambaError('WORKER_FAILED', `${task} took longer than ${timeoutMs} ms: stopped`),
          );
          // Replaced at once, so the next task does not go to the worker being stopped.
          slot.retired = true;
          if (!closed && slots[index] === slot) slots[index] = spawn(index);
          void slot.worker.terminate();
        }, timeoutMs);
        const settle = slot.pending.get(id)!;
        slot.pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            settle.resolve(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            settle.reject(error);
          },
        });
      });
    },
    status: () => ({
      size,
      alive: slots.filter((s) => s.worker.threadId >= 0).length,
      pending: slots.reduce((n, s) => n + s.pending.size, 0),
      ...stats,
    }),
    close,
    [Symbol.asyncDispose]: close,
  };
  return Promise.resolve(pool);
}
