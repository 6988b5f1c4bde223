import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Reading } from '@shamba/schemas';

/**
 * The device's flash: readings not yet acknowledged by the broker, in order, bounded like the
 * ring buffer on a real logger. It is an append-only log on disk (a line per reading, a line per
 * acknowledgement), so readings survive the simulator process being killed; a torn last line
 * from a crash mid-write is ignored. The next sequence number lives in the same log.
 */
export interface FlashQueue {
  readonly size: number;
  /** Readings dropped because the queue was full (oldest first, as a ring buffer does). */
  readonly dropped: number;
  readonly nextSeq: number;
  /** Stores a reading with the next sequence number and returns it. */
  push(reading: Omit<Reading, 'seq'>): Reading;
  peek(count: number): Reading[];
  /** Removes the oldest `count` readings after the broker acknowledged them. */
  ack(count: number): void;
}

export interface FlashQueueOptions {
  path: string;
  /** A soil logger with 1 MB of flash holds about a month of 15-minute samples; 4096 is two. */
  capacity?: number;
}

type LogLine = { r: Reading } | { a: number } | { d: number } | { s: number };

export function openFlashQueue(options: FlashQueueOptions): FlashQueue {
  const capacity = options.capacity ?? 4096;
  const items: Reading[] = [];
  let dropped = 0;
  let nextSeq = 0;
  let logLines = 0;
  mkdirSync(dirname(options.path), { recursive: true });
  if (existsSync(options.path)) {
    for (const line of readFileSync(options.path, 'utf8').split('\n')) {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        continue; // the torn tail of a write cut short by a crash
      }
      logLines++;
      if ('r' in entry) {
        items.push(entry.r);
        nextSeq = (entry.r.seq + 1) >>> 0;
      } else if ('a' in entry) items.splice(0, entry.a);
      else if ('s' in entry) nextSeq = entry.s;
      else {
        items.splice(0, entry.d);
        dropped += entry.d;
      }
    }
  }
  const append = (entry: LogLine) => {
    appendFileSync(options.path, `${JSON.stringify(entry)}\n`);
    logLines++;
    // Compact when the log is mostly acknowledged history.
    if (logLines > 2 * items.length + 256) compact();
  };
  const compact = () => {
    const tmp = `${options.path}.tmp`;
    // The sequence number first, so an empty queue still remembers it.
    const lines: LogLine[] = [
      { s: (items[0]?.seq ?? nextSeq) >>> 0 },
      ...items.map((r) => ({ r })),
    ];
    writeFileSync(tmp, lines.map((e) => `${JSON.stringify(e)}\n`).join(''));
    renameSync(tmp, options.path); // atomic on POSIX: the old log or the new, never half of one
    logLines = lines.length;
  };

  return {
    get size() {
      return items.length;
    },
    get dropped() {
      return dropped;
    },
    get nextSeq() {
      return nextSeq;
    },
    push(partial) {
      const reading: Reading = { ...partial, seq: nextSeq };
      nextSeq = (nextSeq + 1) >>> 0;
      if (items.length >= capacity) {
        items.shift();
        dropped++;
        append({ d: 1 });
      }
      items.push(reading);
      append({ r: reading });
      return reading;
    },
    peek: (count) => items.slice(0, count),
    ack(count) {
      if (count <= 0) return;
      items.splice(0, count);
      append({ a: count });
    },
  };
}
