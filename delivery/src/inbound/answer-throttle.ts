/**
 * At most one "not understood" (or "unknown number") answer per number in `windowMs`: an
 * auto-responder on the other end answering our answer must not start a loop that spends the
 * cooperative's budget. Bounded: the oldest numbers are forgotten first.
 */
export function createAnswerThrottle(options: { windowMs: number; maxNumbers: number }) {
  const last = new Map<string, number>();
  return {
    /** True (and remembered) when this number may get an answer now. */
    allow(number: string, nowMs: number): boolean {
      const previous = last.get(number);
      if (previous !== undefined && nowMs - previous < options.windowMs) return false;
      last.delete(number);
      last.set(number, nowMs);
      if (last.size > options.maxNumbers) last.delete(last.keys().next().value!);
      return true;
    },
  };
}
