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
parentPort.on('message', (generation) => {
  try {
    merge(generation);
    parentPort.postMessage({ generation });
  } catch (error) {
    parentPort.postMessage({ generation, error: String(error && error.message) });
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
  close(): Promise<void>;
}

export function createInboxMerger(options: InboxMergerOptions): InboxMerger {
  let worker: Worker | undefined;
  let pending: { generation: number; resolve: () => void; reject: (e: Error) => void } | undefined;

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
      workerData: { driver: DRIVER, ...options },
      // It holds statements and one transaction's rows at a time, never readings in JavaScript.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    w.on('message', (message: { generation: number; error?: string }) => {
      if (pending === undefined || message.generation !== pending.generation) return;
      w.unref();
      if (message.error !== undefined) return fail(new Error(message.error));
      const p = pending;
      pending = undefined;
      p.resolve();
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
        pending = { generation, resolve, reject };
        worker ??= start();
        worker.ref();
        worker.postMessage(generation);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w !== undefined) await w.terminate();
    },
  };
}
