import type { Duplex } from 'node:stream';
import { sourceOf } from '../auth/connect-guard.js';
import { PacketTooLargeError, describePacketHead } from '../limits/packet-size-limiter.js';
import { errorText } from '../observability/refusal-log.js';
import type { BrokerContext } from './broker-context.js';

type PacketHead = ReturnType<typeof describePacketHead>;

/**
 * What the transports report a packet over the size limit to (their `onTooLarge`): the
 * connection is cut by the limiter; before CONNECT the source is logged, after it the packet's
 * head becomes a dead letter against the device that sent it.
 */
export function reportOversizePackets(
  ctx: BrokerContext,
): (stream: Duplex, address: string, error: Error) => void {
  return (stream, address, error) => {
    ctx.metrics.disconnected.inc({ limit: 'packet-size' });
    ctx.stats.rejected('PACKET_TOO_LARGE');
    const device = ctx.connections.deviceOnStream(stream);
    const { head, packet, reason } = describeOversize(error, ctx.limits.maxPacketBytes);
    if (device === undefined) {
      const fields = { address, detail: reason };
      ctx.refusals.note(
        { source: sourceOf(address), reason: 'PACKET_TOO_LARGE' },
        fields,
        'connection cut',
      );
      return;
    }
    ctx.deadLetters
      .write({
        deviceId: device.id,
        coopId: device.coopId,
        topic: packet.topic ?? `mqtt:${packet.type}`,
        code: 'PACKET_TOO_LARGE',
        reason,
        payload: head,
        // A device holding such a packet resends it after every reconnect: one row, counted.
        foldKey: `PACKET_TOO_LARGE:${device.id}`,
      })
      .catch((cause: unknown) =>
        ctx.storeFailures.note(
          { source: 'registry', reason: 'dead letter failed' },
          { err: errorText(cause) },
          'dead letter not stored',
        ),
      );
  };
}

/** The packet's head as far as it came, what it was, and why it was refused. */
function describeOversize(error: Error, maxBytes: number) {
  const head = error instanceof PacketTooLargeError ? error.head : new Uint8Array(0);
  // No head: a WebSocket message too large to be read at all (see listenWebSocket).
  const packet: PacketHead = head.length === 0 ? { type: 'packet' } : describePacketHead(head);
  const reason =
    packet.declaredBytes === undefined
      ? `${packet.type} over the ${maxBytes}-byte limit (${errorText(error)})`
      : `${packet.type} of ${packet.declaredBytes} bytes, over the ${maxBytes}-byte limit`;
  return { head, packet, reason };
}
