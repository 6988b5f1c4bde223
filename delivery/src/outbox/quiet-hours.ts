import type { QuietHours } from '@shamba/schemas';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The wall-clock minute of the day (0-1439) at `atMs` in the time zone, and its seconds. */
export function localMinuteOfDay(atMs: number, timeZone: string): { minute: number; ms: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(atMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    minute: part('hour') * 60 + part('minute'),
    ms: part('second') * 1000 + (atMs % 1000),
  };
}

/** Whether a minute of the day falls in the window (which may run past midnight: 20:00-06:00). */
function inWindow(minute: number, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The first moment at or after `nowMs` outside the farmer's quiet hours, in the cooperative's
 * time zone: `nowMs` itself when it is outside them. A day whose clocks change inside the window
 * may end it up to an hour off; the zones the cooperatives are in keep no daylight saving.
 */
export function endOfQuietHours(options: {
  nowMs: number;
  quietHours: QuietHours;
  timeZone: string;
}): number {
  const { nowMs, quietHours, timeZone } = options;
  const { minute, ms } = localMinuteOfDay(nowMs, timeZone);
  if (!inWindow(minute, quietHours)) return nowMs;
  const wait = (minutesOf(quietHours.end) - minute + DAY_MINUTES) % DAY_MINUTES;
  return nowMs - ms + wait * MINUTE_MS;
}

/** The start of the local day holding `atMs` (the per-day cap counts from there). */
export function startOfLocalDay(atMs: number, timeZone: string): number {
  const { minute, ms } = localMinuteOfDay(atMs, timeZone);
  return atMs - ms - minute * MINUTE_MS;
}

/** The start of the calendar month holding `atMs`, in the time zone (the budget's period). */
export function startOfLocalMonth(atMs: number, timeZone: string): number {
  const day = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric' }).format(new Date(atMs)),
  );
  return startOfLocalDay(atMs - (day - 1) * DAY_MINUTES * MINUTE_MS, timeZone);
}
