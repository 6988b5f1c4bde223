import { ShambaError } from '@shamba/schemas';

/**
 * How far past the box's clock an acquisition time may be. A scene is published hours after its
 * overpass, so a real one is always in the past; an hour covers a box whose clock runs slow
 * (an unsynchronised real-time clock drifts by minutes, not hours). A later date is a fabricated
 * or mislabelled item, and would stay "the latest scene" until the calendar caught up with it.
 */
export const MAX_FUTURE_ACQUISITION_MS = 3_600_000;

/** Whether a scene acquired at `acquiredMs` is dated in the future of a box whose clock says `nowMs`. */
export function isFutureDated(acquiredMs: number, nowMs: number): boolean {
  return acquiredMs > nowMs + MAX_FUTURE_ACQUISITION_MS;
}

/**
 * Refuses a scene dated in the future, on every path a scene comes in by (the watch folder, an
 * upload, a URL): RASTER_INVALID, a verdict on the item (the watch folder quarantines it at once).
 */
export function refuseFutureScene(scene: { id: string; acquiredMs: number }, nowMs: number): void {
  if (!isFutureDated(scene.acquiredMs, nowMs)) return;
  throw new ShambaError(
    'RASTER_INVALID',
    `scene ${scene.id} is dated ${new Date(scene.acquiredMs).toISOString()}, in the future of ` +
      `this box's clock (${new Date(nowMs).toISOString()}; at most 1 h ahead is accepted)`,
  );
}
