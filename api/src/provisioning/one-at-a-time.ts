/**
 * Provisioning reads the registry, then writes it ("no such id", then insert): two requests for
 * one id sent at once must not both pass the check. The registry's upserts replace, so the API
 * orders its creations itself: one process serves the box, and a promise chain orders them.
 * (Several API processes on one registry would need the registry to refuse a taken id.)
 */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` after every creation queued before it has settled. */
export function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}
