/**
 * A seeded generator, so a scenario replays identically (STYLE.md: randomness is injected).
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, fine statistical quality for a
 * simulation, and small enough that a dependency would cost more than it saves.
 */
export type Rng = () => number;

export function rng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal deviate by Box-Muller. */
export function gaussian(random: Rng): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
