import { DAY_MS } from '@shamba/schemas';

/**
 * Local-day arithmetic, in one place: local days are whole UTC days shifted by a fixed offset
 * (the cooperatives' zones keep no DST), dates are ISO `YYYY-MM-DD`. `DAY_MS` is @shamba/schemas'.
 */

/** The balance never runs further back than this (a perennial's "sowing" may be years ago). */
export const MAX_BALANCE_DAYS = 240;

/** The ISO date of a UTC instant in a zone `utcOffsetMinutes` east of Greenwich. */
export function localDate(timeMs: number, utcOffsetMinutes: number): string {
  return new Date(timeMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The UTC instant of local midnight at the start of `dateIso`. */
export function localMidnightMs(dateIso: string, utcOffsetMinutes: number): number {
  return Date.parse(`${dateIso}T00:00:00Z`) - utcOffsetMinutes * 60_000;
}

/** The ISO date `days` calendar days after `dateIso` (before it, when negative). */
export function addDays(dateIso: string, days: number): string {
  return new Date(Date.parse(`${dateIso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `fromIso` to `toIso` (negative when `toIso` is earlier). */
export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round(
    (Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / DAY_MS,
  );
}

/** The days a field's water balance covers up to `asOfMs`: from sowing, at most MAX_BALANCE_DAYS. */
export interface BalanceWindow {
  /** The local date of `asOfMs`. */
  today: string;
  /** The first day the balance considers (sowing, or MAX_BALANCE_DAYS back). */
  start: string;
  /** Local midnight at the start of `start`, as a UTC instant (where reading queries begin). */
  startMs: number;
}

export function balanceWindow(options: {
  plantingDate: string;
  asOfMs: number;
  utcOffsetMinutes: number;
}): BalanceWindow {
  const today = localDate(options.asOfMs, options.utcOffsetMinutes);
  const earliest = addDays(today, -MAX_BALANCE_DAYS);
  const start = options.plantingDate > earliest ? options.plantingDate : earliest;
  return { today, start, startMs: localMidnightMs(start, options.utcOffsetMinutes) };
}
