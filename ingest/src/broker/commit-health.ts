/**
 * Whether the store is taking commits, from the commits themselves: a full disk answered pings
 * while 84 commits failed, and health said `up` throughout (issue 13, case 15).
 */
export interface CommitHealth {
  lastCommitMs: number | null;
  lastFailureMs: number | null;
  /** Failed commits in the last minute (counted up to MAX_TRACKED). */
  failuresLastMinute: number;
  /** The newest commit failed, within the last minute: the store is down for writes. */
  failing: boolean;
}

/** A minute: long enough to see through one retry, short enough to clear soon after recovery. */
const WINDOW_MS = 60_000;
/** Failure times kept at most: past this many in a minute the count is a floor, not exact. */
const MAX_TRACKED = 10_000;

export function createCommitTracker(clock: () => number) {
  const failures: number[] = [];
  let lastCommitMs: number | null = null;
  let lastFailureMs: number | null = null;
  const prune = (now: number) => {
    let old = 0;
    while (old < failures.length && now - failures[old]! >= WINDOW_MS) old++;
    if (old > 0) failures.splice(0, old);
  };
  return {
    succeeded() {
      lastCommitMs = clock();
    },
    failed() {
      const now = clock();
      lastFailureMs = now;
      prune(now);
      if (failures.length >= MAX_TRACKED) failures.shift();
      failures.push(now);
    },
    snapshot(): CommitHealth {
      const now = clock();
      prune(now);
      const failing =
        lastFailureMs !== null &&
        now - lastFailureMs < WINDOW_MS &&
        (lastCommitMs === null || lastFailureMs >= lastCommitMs);
      return { lastCommitMs, lastFailureMs, failuresLastMinute: failures.length, failing };
    },
  };
}
