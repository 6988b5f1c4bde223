/** The stages a pass's time is split into (what `pnpm bench prescriptions` prints). */
export type Stage = 'query' | 'weather' | 'compute' | 'store';

/** Runs `work`, counting its time against `stage`. */
export type Timed = <T>(stage: Stage, work: () => Promise<T>) => Promise<T>;

export const zeroStages = (): Record<Stage, number> => ({
  query: 0,
  weather: 0,
  compute: 0,
  store: 0,
});

/**
 * One pass's time by stage, ms: `timed` adds each piece of work's wall time to its stage. With
 * fields in flight at once the stages overlap, so they sum over lanes, not to the pass's time.
 */
export function createStageTimings(): { stagesMs: Record<Stage, number>; timed: Timed } {
  const stagesMs = zeroStages();
  const timed: Timed = async (stage, work) => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      stagesMs[stage] += performance.now() - t0;
    }
  };
  return { stagesMs, timed };
}
