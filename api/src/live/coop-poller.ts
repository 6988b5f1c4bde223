import type { Prescription } from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';

/** What happened in a cooperative, as the dashboard's live events carry it. */
export type LiveEvent =
  | {
      type: 'reading';
      fieldId: string | null;
      data: { deviceId: string; stream: string; time: string; timeMs: number };
    }
  | {
      type: 'prescription';
      fieldId: string;
      data: {
        id: string;
        fieldId: string;
        /** What people call the field (the page's message names it). */
        fieldName: string;
        kind: Prescription['kind'];
        createdAt: string;
      };
    }
  | {
      type: 'alert';
      fieldId: string | null;
      data:
        | {
            kind: 'dead-letter';
            deviceId: string | null;
            code: string;
            reason: string;
            count: number;
          }
        | { kind: 'silent'; deviceId: string; lastSeen: string };
    }
  | {
      type: 'device';
      fieldId: string | null;
      /**
       * A device's state changed: provisioned (`added`), `disabled`, `enabled` again, `removed`,
       * or `reporting` again after it was reported silent.
       */
      data: { deviceId: string; state: DeviceState };
    };

export type DeviceState = 'added' | 'disabled' | 'enabled' | 'removed' | 'reporting';

export interface CoopPollerDeps {
  registry: Registry;
  store: TimeSeriesStore;
  clock: () => number;
  /** How long a device may be quiet before it is reported gone silent. */
  silentAfterMs: number;
}

/**
 * Readings are looked for by device time over the last 15 minutes: what a device sends now is
 * stamped now (its clock within the broker's skew). A backlog a gateway replays after an outage
 * is older data, not news of the device, so it may pass unannounced.
 */
const READING_LOOKBACK_MS = 15 * 60_000;
/** Device clocks may run ahead of the box's by the broker's skew allowance; count those too. */
const CLOCK_SKEW_MS = 10 * 60_000;
/**
 * Readings read per poll: a poll every few seconds sees a few; a cooperative of 200 devices
 * each reporting 3 streams every 15 minutes has 600 in the lookback.
 */
const MAX_READINGS_PER_POLL = 1_000;
/** Dead letters read per poll: more than arrive between two polls short of a flood. */
const MAX_DEAD_LETTERS_PER_POLL = 50;
/** Last seen is primed from a day back: a device quiet longer was silent before we looked. */
const PRIME_WINDOW_MS = 24 * 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One cooperative's changes since the previous poll, by comparing with what it saw then. The
 * first poll (`prime`) only remembers: what existed before anyone listened is not news.
 */
export function createCoopPoller(deps: CoopPollerDeps, coopId: string) {
  const { registry, store } = deps;
  /** The newest broker time of a reading seen: readings committed after it are new. */
  let receivedCursorMs = -Infinity;
  const lastSeenMs = new Map<string, number>();
  const silent = new Set<string>();
  /** Each device's enabled state at the previous poll (absent: not provisioned then). */
  const enabled = new Map<string, boolean>();
  const prescriptionIds = new Map<string, string>();
  let maxDeadLetterId = 0;
  const deadLetterCounts = new Map<number, number>();

  async function readings(devices: Map<string, string | null>, nowMs: number, priming: boolean) {
    const events: LiveEvent[] = [];
    if (devices.size === 0) return events;
    const found = await store.query({
      deviceIds: [...devices.keys()],
      fromMs: nowMs - READING_LOOKBACK_MS,
      toMs: nowMs + CLOCK_SKEW_MS,
      limit: MAX_READINGS_PER_POLL,
    });
    const newest = new Map<string, (typeof found)[number]>();
    let cursor = receivedCursorMs;
    for (const reading of found) {
      if (reading.receivedMs <= receivedCursorMs) continue;
      cursor = Math.max(cursor, reading.receivedMs);
      const before = newest.get(reading.deviceId);
      if (before === undefined || reading.timeMs >= before.timeMs)
        newest.set(reading.deviceId, reading);
    }
    receivedCursorMs = cursor;
    for (const [deviceId, reading] of newest) {
      lastSeenMs.set(deviceId, Math.max(lastSeenMs.get(deviceId) ?? -Infinity, reading.timeMs));
      const wasSilent = silent.delete(deviceId);
      if (priming) continue;
      if (wasSilent)
        events.push({
          type: 'device',
          fieldId: devices.get(deviceId) ?? null,
          data: { deviceId, state: 'reporting' },
        });
      events.push({
        type: 'reading',
        fieldId: devices.get(deviceId) ?? null,
        data: {
          deviceId,
          stream: reading.stream,
          time: iso(reading.timeMs),
          timeMs: reading.timeMs,
        },
      });
    }
    return events;
  }

  /**
   * One `latestByKind` per field: the registry has no query for a cooperative's newest
   * prescriptions, and storage is not this module's to change. The work stays bounded: only
   * this cooperative's fields; one poll per tick for all of the cooperative's open streams (one
   * loop per cooperative, live-feed.ts), none with no stream open; and the next tick waits at
   * least as long as this one took. In the SQLite registry each call is one indexed read per
   * kind (prescriptions_by_field_kind, two kinds), so 500 fields are 1,000 reads per tick.
   */
  async function prescriptions(priming: boolean) {
    const events: LiveEvent[] = [];
    for (const field of await registry.fields.list({ coopId })) {
      for (const p of Object.values(await registry.prescriptions.latestByKind(field.id))) {
        const key = `${field.id}/${p.kind}`;
        if (prescriptionIds.get(key) === p.id) continue;
        prescriptionIds.set(key, p.id);
        if (priming) continue;
        const data = {
          id: p.id,
          fieldId: field.id,
          fieldName: field.name,
          kind: p.kind,
          createdAt: iso(p.createdAtMs),
        };
        events.push({ type: 'prescription', fieldId: field.id, data });
      }
    }
    return events;
  }

  async function deadLetters(devices: Map<string, string | null>, priming: boolean) {
    const events: LiveEvent[] = [];
    const letters = await registry.deadLetters.list({ coopId, limit: MAX_DEAD_LETTERS_PER_POLL });
    const seenMaxId = maxDeadLetterId;
    for (const letter of letters) {
      const before = deadLetterCounts.get(letter.id);
      // New: a row we never saw; or a row we saw whose repeats grew (identical messages fold).
      const isNew = letter.id > seenMaxId || (before !== undefined && letter.count > before);
      maxDeadLetterId = Math.max(maxDeadLetterId, letter.id);
      if (priming || !isNew) continue;
      const { deviceId, code, reason, count } = letter;
      events.push({
        type: 'alert',
        fieldId: deviceId === null ? null : (devices.get(deviceId) ?? null),
        data: { kind: 'dead-letter', deviceId, code, reason: reason.slice(0, 200), count },
      });
    }
    deadLetterCounts.clear();
    for (const letter of letters) deadLetterCounts.set(letter.id, letter.count);
    return events;
  }

  function silences(devices: Map<string, string | null>, nowMs: number, priming: boolean) {
    const events: LiveEvent[] = [];
    for (const [deviceId, seenMs] of lastSeenMs) {
      if (!devices.has(deviceId) || silent.has(deviceId)) continue;
      if (nowMs - seenMs <= deps.silentAfterMs) continue;
      silent.add(deviceId);
      if (priming) continue;
      events.push({
        type: 'alert',
        fieldId: devices.get(deviceId) ?? null,
        data: { kind: 'silent', deviceId, lastSeen: iso(seenMs) },
      });
    }
    return events;
  }

  /** Each device's newest reading of the last day: who is already quiet is not news later. */
  async function primeLastSeen(devices: Map<string, string | null>, nowMs: number) {
    await Promise.all(
      [...devices.keys()].map(async (deviceId) => {
        const [last] = await store.query({
          deviceIds: [deviceId],
          fromMs: nowMs - PRIME_WINDOW_MS,
          toMs: nowMs + CLOCK_SKEW_MS,
          limit: 1,
        });
        if (last !== undefined) lastSeenMs.set(deviceId, last.timeMs);
      }),
    );
  }

  /** Devices provisioned, disabled, enabled or removed since the previous poll. */
  function deviceChanges(records: readonly DeviceRecord[], priming: boolean): LiveEvent[] {
    const events: LiveEvent[] = [];
    const seen = new Set<string>();
    for (const device of records) {
      seen.add(device.id);
      const now = device.disabledMs === undefined || device.disabledMs === null;
      const before = enabled.get(device.id);
      enabled.set(device.id, now);
      if (priming || before === now) continue;
      const state: DeviceState = before === undefined ? 'added' : now ? 'enabled' : 'disabled';
      events.push({
        type: 'device',
        fieldId: device.fieldId,
        data: { deviceId: device.id, state },
      });
    }
    for (const deviceId of [...enabled.keys()]) {
      if (seen.has(deviceId)) continue;
      enabled.delete(deviceId);
      if (!priming)
        events.push({ type: 'device', fieldId: null, data: { deviceId, state: 'removed' } });
    }
    return events;
  }

  async function poll(priming: boolean): Promise<LiveEvent[]> {
    const nowMs = deps.clock();
    const records = await registry.devices.list({ coopId });
    const devices = new Map(records.map((d) => [d.id, d.fieldId] as const));
    if (priming) await primeLastSeen(devices, nowMs);
    const events = [
      ...deviceChanges(records, priming),
      ...(await readings(devices, nowMs, priming)),
      ...(await prescriptions(priming)),
      ...(await deadLetters(devices, priming)),
    ];
    return [...events, ...silences(devices, nowMs, priming)];
  }

  return {
    /** Remembers what exists now; announces nothing. */
    prime: () => poll(true).then(() => undefined),
    /** What changed since the previous poll. */
    poll: () => poll(false),
  };
}

export type CoopPoller = ReturnType<typeof createCoopPoller>;
