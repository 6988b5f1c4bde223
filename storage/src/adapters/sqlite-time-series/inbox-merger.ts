import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ShambaError } from '@shamba/schemas';

/**
 * The thread that merges the inbox into the indexed readings table while the ingest keeps
 * committing to the inbox. It has a connection of its own to the readings file (so the merge's
 * page writes, and the WAL checkpoints they trigger, are its work, not the event loop's), with
 * the inbox file attached for reading: in WAL mode that reader never blocks the ingest's commits.
 *
 * The worker is plain JavaScript (no TypeScript loader, nothing to bundle) and loads the same
 * better-sqlite3 as the store. It is started on the first merge and ended by close(); between
 * merges it does not keep the process alive.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 4096');
db.pragma('busy_timeout = 5000');
db.prepare('ATTACH DATABASE ? AS inbox').run(workerData.inboxPath);
const move = db.prepare(workerData.moveSql);
const merge = db.transaction((generation) => { move.run(generation); });
const done = new Int32Array(workerData.done);
parentPort.on('message', ({ id, generation }) => {
  try {
    merge(generation);
    Atomics.store(done, 0, id);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

export interface InboxMergerOptions {
  /** The readings file. */
  path: string;
  /** The inbox file, attached as `inbox`. */
  inboxPath: string;
  /** Moves the inbox's rows up to the generation given as its one parameter. */
  moveSql: string;
}

export interface InboxMerger {
  /** Resolves once the rows up to `generation` are committed in the readings file. */
  merge(generation: number): Promise<void>;
  /**
   * Resolves the running merge now if the worker has committed it, without waiting for the event
   * loop to deliver its message: a caller that writes in a loop awaiting only promises (a bulk
   * import, a benchmark's seeding) never lets the loop turn: it would never see a merge end, and
   * the inbox would keep every reading it wrote.
   */
  poll(): void;
  close(): Promise<void>;
}

export function createInboxMerger(options: InboxMergerOptions): InboxMerger {
  let worker: Worker | undefined;
  let pending: { id: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  let requests = 0;
  /** The id of the last merge the worker committed, written by the worker. */
  const done = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  const succeed = () => {
    const p = pending;
    pending = undefined;
    worker?.unref();
    p?.resolve();
  };
  const fail = (error: Error) => {
    const p = pending;
    pending = undefined;
    p?.reject(
      new ShambaError('STORE_UNAVAILABLE', 'merging the SQLite inbox failed', { cause: error }),
    );
  };

  function start(): Worker {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: DRIVER, done: done.buffer, ...options },
      // It holds statements and one transaction's rows at a time, never readings in JavaScript.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    w.on('message', (message: { id: number; error?: string }) => {
      // Not the running merge's: poll() has already resolved it.
      if (pending === undefined || message.id !== pending.id) return;
      w.unref();
      if (message.error !== undefined) return fail(new Error(message.error));
      succeed();
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      fail(new Error(`inbox merger exited with code ${code}`));
    });
    return w;
  }

  return {
    merge(generation) {
      if (pending !== undefined) throw new Error('one inbox merge at a time');
      return new Promise<void>((resolve, reject) => {
        const id = ++requests;
        pending = { id, resolve, reject };
        worker ??= start();
        worker.ref();
        worker.postMessage({ id, generation });
      });
    },
    poll() {
      if (pending !== undefined && Atomics.load(done, 0) === pending.id) succeed();
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w !== undefined) await w.terminate();
    },
  };
}
