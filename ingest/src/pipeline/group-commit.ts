import type { StoredReading } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';

/**
 * Group commit: every reading that arrives in the same turn of the event loop is written in one
 * transaction, so one fsync covers a whole burst of publishes instead of one each. Each caller's
 * promise still resolves only once its readings are durable.
 */
export function createGroupCommitter(store: TimeSeriesStore, maxBatch = 2000) {
  const pending: {
    readings: readonly StoredReading[];
    resolve: () => void;
    reject: (error: unknown) => void;
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
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  return {
    commit(readings: readonly StoredReading[]): Promise<void> {
      return new Promise((resolve, reject) => {
        pending.push({ readings, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}
