/**
 * Whether the store is taking commits, judged from the commits themselves: a full disk still
 * answers a ping, so health once said `up` while every commit failed (issue 13, case 15).
 */
export interface CommitHealth {
  lastCommitMs: number | null;
  lastFailureMs: number | null;
  /** Failed commits in the current minute (the minute that began with its first failure). */
  failuresLastMinute: number;
  /** The newest commit failed, within the last minute: the store is down for writes. */
  failing: boolean;
}

/** A minute: long enough to see through one retry, short enough to clear soon after recovery. */
const WINDOW_MS = 60_000;

export function createCommitTracker(clock: () => number) {
  let lastCommitMs: number | null = null;
  let lastFailureMs: number | null = null;
  let windowStartMs = 0;
  let failures = 0;
  return {
    succeeded() {
      lastCommitMs = clock();
    },
    failed() {
      const now = clock();
      lastFailureMs = now;
      if (failures === 0 || now - windowStartMs >= WINDOW_MS) {
        windowStartMs = now;
        failures = 0;
      }
      failures++;
    },
    snapshot(): CommitHealth {
      const now = clock();
      const recent = lastFailureMs !== null && now - lastFailureMs < WINDOW_MS;
      return {
        lastCommitMs,
        lastFailureMs,
        failuresLastMinute: now - windowStartMs < WINDOW_MS ? failures : 0,
        failing: recent && (lastCommitMs === null || lastFailureMs! >= lastCommitMs),
      };
    },
  };
}
