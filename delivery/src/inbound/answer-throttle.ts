/**
 * At most `maxPerWindow` answers per key (a number, or one key for all) in `windowMs`: an
 * auto-responder on the other end answering our answer must not start a loop that spends the
 * cooperative's budget. Bounded: the oldest keys are forgotten first.
 */
export function createAnswerThrottle(options: {
  windowMs: number;
  maxKeys: number;
  maxPerWindow?: number;
}) {
  const max = options.maxPerWindow ?? 1;
  const windows = new Map<string, { startMs: number; count: number }>();
  return {
    /** True (and counted) when this key may get an answer now. */
    allow(key: string, nowMs: number): boolean {
      const current = windows.get(key);
      const fresh = current === undefined || nowMs - current.startMs >= options.windowMs;
      const window = fresh ? { startMs: nowMs, count: 0 } : current;
      if (window.count >= max) return false;
      window.count += 1;
      windows.delete(key);
      windows.set(key, window);
      if (windows.size > options.maxKeys) windows.delete(windows.keys().next().value!);
      return true;
    },
  };
}
