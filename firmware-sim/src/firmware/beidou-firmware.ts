import { encodeCompact, formatTxa, parseFki, type Reading } from '@shamba/schemas';
import type { CardLimits, Terminal } from '../beidou/terminal.js';
import type { DeviceFirmware } from './device-firmware.js';
import { openFlashQueue } from './flash-queue.js';

export interface BeidouFirmwareOptions {
  deviceId: string;
  flashPath: string;
  terminal: Terminal;
  gatewayCard: string;
  limits: CardLimits;
}

export interface BeidouFirmware extends DeviceFirmware {
  /**
   * Sends from flash during [fromMs, toMs) of simulated time, a frame whenever the card allows:
   * first at `fromMs`, then every time the terminal says the card is ready again.
   */
  pump(fromMs: number, toMs: number): void;
  readonly refused: number;
}

/**
 * Firmware for a device out of cellular coverage: readings go from flash to the BeiDou terminal
 * as compact frames, as many samples per frame as the card's length allows. A send the card
 * refuses (too soon after the last one) leaves the readings in flash for the next attempt.
 */
export function startBeidouFirmware(options: BeidouFirmwareOptions): BeidouFirmware {
  const queue = openFlashQueue({ path: options.flashPath });
  const stats = { published: 0, refused: 0 };
  let radio = true;
  const waiters: (() => void)[] = [];

  function frameFromHead(): { readings: Reading[]; payload: Uint8Array } | undefined {
    const head = queue.peek(8);
    let best: { readings: Reading[]; payload: Uint8Array } | undefined;
    for (let n = 1; n <= head.length; n++) {
      const batch = head.slice(0, n);
      if (
        batch.some(
          (r, i) =>
            r.stream !== head[0]!.stream || (i > 0 && r.seq !== (batch[i - 1]!.seq + 1) >>> 0),
        )
      )
        break;
      const payload = encodeCompact(batch);
      if (payload.length > options.limits.maxPayloadBytes) break;
      best = { readings: batch, payload };
    }
    return best;
  }

  return {
    deviceId: options.deviceId,
    queue,
    get refused() {
      return stats.refused;
    },
    record(stream, timeMs, values) {
      return queue.push({ deviceId: options.deviceId, stream, timeMs: Math.round(timeMs), values });
    },
    pump(fromMs, toMs) {
      let at = fromMs;
      while (radio && at < toMs) {
        const frame = frameFromHead();
        if (frame === undefined) break;
        const feedback = parseFki(
          options.terminal.write(
            formatTxa({ toCard: options.gatewayCard, payload: frame.payload }),
            at,
          ),
        );
        if (feedback.done) {
          queue.ack(frame.readings.length);
          stats.published += frame.readings.length;
        } else {
          stats.refused++;
          // A refusal for rate says how long to wait; one for length or delivery will not change.
          if (feedback.rateOk) break;
        }
        at += Math.max(1, feedback.waitS) * 1000;
      }
      if (queue.size === 0) for (const resolve of waiters.splice(0)) resolve();
    },
    setRadio(on) {
      radio = on;
    },
    drained: () =>
      queue.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
    stats: () => ({
      published: stats.published,
      connects: 0,
      connected: radio,
      queued: queue.size,
      dropped: queue.dropped,
    }),
    stop: async () => undefined,
  };
}
