import { formatFki, formatTxr, parseTxa } from '@shamba/schemas';

/**
 * A BeiDou short-message card as the satellite system enforces it: one message per service
 * interval (civil cards: 60 s; some 30 s or 10 s) and a length cap per message (a BeiDou-3
 * global short message is 560 bits = 70 bytes; regional messages are far longer, 1000 Chinese
 * characters, but a device out of cellular coverage abroad has the global service).
 */
export interface CardLimits {
  minIntervalMs: number;
  maxPayloadBytes: number;
}

export const GLOBAL_CIVIL_CARD: CardLimits = { minIntervalMs: 60_000, maxPayloadBytes: 70 };

/** The satellites and ground segment: delivers between cards. */
export interface ShortMessageNetwork {
  attach(cardId: string, receive: (txrLine: string) => void): void;
  deliver(fromCard: string, toCard: string, payload: Uint8Array): boolean;
}

export function createShortMessageNetwork(): ShortMessageNetwork {
  const terminals = new Map<string, (line: string) => void>();
  return {
    attach: (cardId, receive) => void terminals.set(cardId, receive),
    deliver(fromCard, toCard, payload) {
      const receive = terminals.get(toCard);
      if (receive === undefined) return false;
      // Delivery is asynchronous, as over the air.
      queueMicrotask(() => receive(formatTxr({ fromCard, payload })));
      return true;
    },
  };
}

export interface Terminal {
  readonly cardId: string;
  /** Sends one host sentence over the serial line at (simulated) time `atMs`; returns the answer ($BDFKI). */
  write(line: string, atMs: number): string;
}

/** The terminal on the device side of the serial port. */
export function createTerminal(options: {
  cardId: string;
  network: ShortMessageNetwork;
  limits?: CardLimits;
}): Terminal {
  const limits = options.limits ?? GLOBAL_CIVIL_CARD;
  let lastSendMs = Number.NEGATIVE_INFINITY;
  return {
    cardId: options.cardId,
    write(line, now) {
      let command;
      try {
        command = parseTxa(line);
      } catch {
        return formatFki({ done: false, rateOk: true, waitS: 0 });
      }
      const waitMs = lastSendMs + limits.minIntervalMs - now;
      if (waitMs > 0) return formatFki({ done: false, rateOk: false, waitS: waitMs / 1000 });
      if (command.payload.length > limits.maxPayloadBytes)
        return formatFki({ done: false, rateOk: true, waitS: 0 });
      const delivered = options.network.deliver(options.cardId, command.toCard, command.payload);
      if (delivered) lastSendMs = now;
      return formatFki({
        done: delivered,
        rateOk: true,
        waitS: delivered ? limits.minIntervalMs / 1000 : 0,
      });
    },
  };
}
