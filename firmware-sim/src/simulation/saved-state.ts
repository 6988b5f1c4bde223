import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** What `<state dir>/simulation.json` keeps, so a killed simulator resumes. */
export interface SavedState {
  scenarioId: string;
  startMs: number;
  nextSampleMs: number;
  /** Each device's clock as its last GNSS fix left it (absent in states saved before issue 14). */
  clocks?: Record<string, DeviceClock>;
}

/** A device's real-time clock: set at `syncedTrueMs` (by hand or by a fix) `offsetMs` off. */
export interface DeviceClock {
  syncedTrueMs: number;
  offsetMs: number;
}

export function readState(path: string): SavedState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SavedState;
  } catch {
    return undefined; // unreadable: start afresh rather than not at all
  }
}

/** Written aside and renamed (atomic on POSIX), so a kill mid-write leaves the old state. */
export function writeState(path: string, state: SavedState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}
