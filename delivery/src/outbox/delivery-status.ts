import type { OutboxMessage } from '@shamba/schemas';

/** A prescription's way to the farmer, furthest step first reached by any of its messages. */
export const DELIVERY_STATUSES = [
  'issued',
  'queued',
  'sent',
  'delivered',
  'acknowledged',
  'applied',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number] | 'failed' | 'held';

function stepOf(m: OutboxMessage): DeliveryStatus {
  if (m.appliedMs != null) return 'applied';
  if (m.acknowledgedMs != null) return 'acknowledged';
  if (m.state === 'sending') return 'queued';
  return m.state;
}

/**
 * The prescription's delivery status from its messages: `issued` with none, else the furthest
 * step any message reached (issued → queued → sent → delivered → acknowledged → applied);
 * `failed` or `held` only when every message ended so.
 */
export function deliveryStatus(messages: readonly OutboxMessage[]): DeliveryStatus {
  let best = -1;
  for (const m of messages) {
    best = Math.max(
      best,
      DELIVERY_STATUSES.indexOf(stepOf(m) as (typeof DELIVERY_STATUSES)[number]),
    );
  }
  if (best >= 0) return DELIVERY_STATUSES[best]!;
  if (messages.length === 0) return 'issued';
  return messages.every((m) => m.state === 'held') ? 'held' : 'failed';
}
