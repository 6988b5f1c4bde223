import type { DeviceKind, StoredReading } from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';

const HOUR_MS = 3_600_000;
/** The message rate is counted over a day: one reading every 15 minutes is still 4 an hour. */
export const RATE_WINDOW_MS = 24 * HOUR_MS;
/** A device quiet for a day is looked for over a week (last seen), and no further. */
export const LAST_SEEN_WINDOW_MS = 7 * 24 * HOUR_MS;
/**
 * Not seen for longer than this: stale. Devices report every 15 minutes (firmware-sim's default)
 * and a gateway may hold their readings through a short outage, so two hours is eight missed
 * reports, not a hiccup.
 */
export const STALE_AFTER_MS = 2 * HOUR_MS;
/**
 * Readings read per device for the day's rate: one every 30 s on every stream (2,880 a day)
 * still counts exactly; past it the page says "at least" rather than read without bound.
 */
export const MAX_RATE_READINGS = 3_000;
/** Device clocks may run a little ahead of the box's: readings up to this far ahead count. */
const CLOCK_SKEW_MS = 10 * 60_000;
/** Dead letters read per device: the newest hundred, folded repeats counted within them. */
const MAX_DEAD_LETTER_ROWS = 100;

/** What the devices page shows of one device. Times are ms since the epoch; null: unknown. */
export interface DeviceHealth {
  id: string;
  kind: DeviceKind;
  fieldId: string | null;
  zoneId: string | null;
  lastSeenMs: number | null;
  stale: boolean;
  batteryPct: number | null;
  rssiDbm: number | null;
  /** NMEA 0183 GGA fix quality: 0 none, 1/2 single, 4 RTK fixed, 5 RTK float. */
  fixQuality: number | null;
  /** Readings per hour over the last day. */
  readingsPerHour: number;
  /** The day had more readings than were counted: the rate is a lower bound. */
  rateCapped: boolean;
  /** Rejected messages (folded repeats counted) and when the newest came. */
  deadLetters: number;
  lastDeadLetterMs: number | null;
  /** Whether a secret is stored (never the secret: it is shown once, at provisioning). */
  hasSecret: boolean;
}

/** The newest value of `name` among readings (oldest first), optionally from one stream only. */
function newest(readings: readonly StoredReading[], name: string, stream?: string): number | null {
  for (let i = readings.length - 1; i >= 0; i--) {
    const r = readings[i]!;
    if (stream !== undefined && r.stream !== stream) continue;
    const value = r.values[name];
    if (value !== undefined) return value;
  }
  return null;
}

/** Two queries at most: the day's readings (bounded), and a week's newest when the day had none. */
async function readingsOf(
  store: TimeSeriesStore,
  deviceId: string,
  nowMs: number,
): Promise<{ day: StoredReading[]; recent: StoredReading[] }> {
  const toMs = nowMs + CLOCK_SKEW_MS;
  const day = await store.query({
    deviceIds: [deviceId],
    fromMs: nowMs - RATE_WINDOW_MS,
    toMs,
    limit: MAX_RATE_READINGS,
  });
  if (day.length > 0) return { day, recent: day };
  // Enough for a battery, a signal and a fix among the last readings of each stream.
  const recent = await store.query({
    deviceIds: [deviceId],
    fromMs: nowMs - LAST_SEEN_WINDOW_MS,
    toMs,
    limit: 20,
  });
  return { day, recent };
}

async function healthOf(
  deps: { registry: Registry; store: TimeSeriesStore },
  device: DeviceRecord,
  nowMs: number,
): Promise<DeviceHealth> {
  const [{ day, recent }, letters] = await Promise.all([
    readingsOf(deps.store, device.id, nowMs),
    deps.registry.deadLetters.list({
      coopId: device.coopId,
      deviceId: device.id,
      limit: MAX_DEAD_LETTER_ROWS,
    }),
  ]);
  const lastSeenMs = recent.length === 0 ? null : Math.max(...recent.map((r) => r.timeMs));
  return {
    id: device.id,
    kind: device.kind,
    fieldId: device.fieldId,
    zoneId: device.zoneId,
    lastSeenMs,
    stale: lastSeenMs === null || nowMs - lastSeenMs > STALE_AFTER_MS,
    batteryPct: newest(recent, 'batteryPct'),
    rssiDbm: newest(recent, 'rssiDbm', 'status'),
    fixQuality: newest(recent, 'fixQuality', 'gnss'),
    readingsPerHour: day.length / (RATE_WINDOW_MS / HOUR_MS),
    rateCapped: day.length >= MAX_RATE_READINGS,
    deadLetters: letters.reduce((sum, letter) => sum + letter.count, 0),
    lastDeadLetterMs: letters.length === 0 ? null : Math.max(...letters.map((l) => l.lastMs)),
    hasSecret: device.secretHash !== '',
  };
}

/**
 * Every device of the cooperative with its health, by id. Per device: the day's readings (one
 * bounded query; last seen, battery, signal, fix and rate all come from it) and its dead letters.
 */
export async function devicesHealth(
  deps: { registry: Registry; store: TimeSeriesStore },
  coopId: string,
  nowMs: number,
): Promise<DeviceHealth[]> {
  const devices = await deps.registry.devices.list({ coopId });
  const health = await Promise.all(devices.map((device) => healthOf(deps, device, nowMs)));
  return health.sort((a, b) => a.id.localeCompare(b.id));
}
