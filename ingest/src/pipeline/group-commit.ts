import type { StoredReading } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';

/**
 * Group commit: every reading that arrives in the same turn of the event loop is written in one
 * transaction, so one fsync covers a whole burst of publishes instead of one each. Each caller
 * still hears back only once its readings are durable (a callback, not a promise: this runs for
 * every message).
 */
export function createGroupCommitter(store: TimeSeriesStore, maxBatch = 2000) {
  const pending: {
    readings: readonly StoredReading[];
    done: (error?: unknown) => void;
  }[] = [];
  let scheduled = false;

  async function flush() {
    scheduled = false;
    const batch = pending.splice(0, pending.length);
    // Arrival order is kept, so a later resend of the same key wins.
    const readings = batch.flatMap((p) => p.readings);
    try {
      for (let i = 0; i < readings.length; i += maxBatch)
        await store.write(readings.slice(i, i + maxBatch));
    } catch (error) {
      answer(batch, error);
      return;
    }
    answer(batch, undefined);
  }

  /** Every caller hears back, even if one of them throws (that error is raised afterwards). */
  function answer(batch: typeof pending, error: unknown) {
    for (const p of batch) {
      try {
        p.done(error);
      } catch (thrown) {
        process.nextTick(() => {
          throw thrown;
        });
      }
    }
  }

  return {
    /** Calls `done` once `readings` are durable, or with the store's error. */
    commit(readings: readonly StoredReading[], done: (error?: unknown) => void): void {
      pending.push({ readings, done });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    },
  };
}

export type GroupCommitter = ReturnType<typeof createGroupCommitter>;
