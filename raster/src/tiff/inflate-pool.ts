import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ShambaError } from '@shamba/schemas';

/**
 * DEFLATE blocks inflated in a small pool of worker threads (one per core), each with Node's
 * native zlib. zlib's asynchronous API runs the inflate on libuv's pool too, but every call
 * builds a zlib stream on the calling thread; for a 512 x 512 tile that bookkeeping cost about
 * half as much as the inflate itself, and it ran on the thread that computes the fields' indices.
 * Here the calling thread only hands over the block (a copy, transferred) and gets the pixels
 * back (transferred). Each block may inflate to no more than its declared size: a crafted block
 * that would expand past it (a "zip bomb") is refused instead of allocated.
 *
 * The workers are plain JavaScript (no TypeScript loader needed) and keep the process alive only
 * while blocks are pending; a worker that dies fails its pending blocks and is replaced on the
 * next call.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { inflateSync } = require('node:zlib');
parentPort.on('message', ({ id, input, expected }) => {
  try {
    const out = inflateSync(new Uint8Array(input), {
      chunkSize: Math.max(64, expected),
      maxOutputLength: expected + 4096,
    });
    const buffer =
      out.byteOffset === 0 && out.byteLength === out.buffer.byteLength
        ? out.buffer
        : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    parentPort.postMessage({ id, buffer }, [buffer]);
  } catch (error) {
    parentPort.postMessage({ id, code: error.code, message: error.message });
  }
});
`;

interface Pending {
  resolve: (bytes: ArrayBuffer) => void;
  reject: (error: Error) => void;
  expected: number;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Ends an idle worker: between scene passes a small box holds no threads for inflating. */
  idle?: NodeJS.Timeout;
}

const IDLE_MS = 30_000;

const slots: (Slot | undefined)[] = [];
let nextId = 0;

function spawn(index: number): Slot {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Blocks are at most a few MB (the structure check bounds them); the heap stays small.
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  const slot: Slot = { worker, pending: new Map() };
  worker.on(
    'message',
    (message: { id: number; buffer?: ArrayBuffer; code?: string; message?: string }) => {
      const pending = slot.pending.get(message.id);
      if (pending === undefined) return;
      slot.pending.delete(message.id);
      if (slot.pending.size === 0) {
        worker.unref(); // idle: the process may exit
        slot.idle = setTimeout(() => {
          if (slots[index] === slot) slots[index] = undefined;
          void worker.terminate();
        }, IDLE_MS).unref();
      }
      if (message.buffer !== undefined) return pending.resolve(message.buffer);
      pending.reject(
        new ShambaError(
          'RASTER_INVALID',
          message.code === 'ERR_BUFFER_TOO_LARGE'
            ? `a DEFLATE block inflates past its declared ${pending.expected} bytes`
            : `a DEFLATE block does not inflate: ${message.message ?? 'unknown error'}`,
        ),
      );
    },
  );
  const fail = (error: Error) => {
    if (slots[index] === slot) slots[index] = undefined;
    for (const pending of slot.pending.values())
      pending.reject(
        new ShambaError('RASTER_INVALID', `the inflate worker failed: ${error.message}`),
      );
    slot.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  // Listening refs the worker; it holds the process open only while blocks are pending.
  worker.unref();
  slots[index] = slot;
  return slot;
}

/** Inflates one DEFLATE tile or strip that should hold `expected` bytes, into a buffer of its own. */
export function inflateBlock(compressed: Uint8Array, expected: number): Promise<ArrayBuffer> {
  // The least busy worker (blocks of a window go out together); a slot not started yet has none.
  const load = (i: number) => slots[i]?.pending.size ?? 0;
  let best = 0;
  for (let i = 1; i < Math.max(1, availableParallelism()); i++) if (load(i) < load(best)) best = i;
  const slot = slots[best] ?? spawn(best);
  const id = nextId++;
  const input = new Uint8Array(compressed); // a copy of our own to transfer (a Buffer may share its memory)
  return new Promise((resolve, reject) => {
    clearTimeout(slot.idle);
    if (slot.pending.size === 0) slot.worker.ref();
    slot.pending.set(id, { resolve, reject, expected });
    slot.worker.postMessage({ id, input: input.buffer, expected }, [input.buffer]);
  });
}
