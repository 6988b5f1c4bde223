import type { OutboxMessage } from '@shamba/schemas';

/** The delivery fields of a message just written to the outbox: queued, due now, never sent. */
export function queuedNow(nowMs: number) {
  return {
    state: 'queued',
    attempts: 0,
    notBeforeMs: nowMs,
    createdMs: nowMs,
    sentMs: null,
    deliveredMs: null,
    gateway: null,
    gatewayIds: [],
    error: null,
  } satisfies Partial<OutboxMessage>;
}
