import { ShambaError } from '../errors/shamba-error.js';
import type { Reading } from '../readings/reading.js';
import type { UpStream } from '../topics/topic.js';
import { decodeCompact, isCompactPayload } from './compact.js';
import { decodeNmeaPayload } from './nmea-payload.js';
import { decodeSenml } from './senml.js';

/**
 * Picks the codec from the first byte, so devices need no content-type (MQTT 3.1.1 has none):
 * `[` SenML JSON, `$` NMEA 0183 (gnss only), 0x1_ the compact binary frame.
 */
export function decodeUplink(
  payload: Uint8Array,
  context: { deviceId: string; stream: UpStream },
): Reading[] {
  const first = payload[0];
  if (first === undefined) throw new ShambaError('INVALID_PAYLOAD', 'empty payload');
  if (first === 0x5b /* [ */) return decodeSenml(payload, context);
  if (first === 0x24 /* $ */) {
    if (context.stream !== 'gnss')
      throw new ShambaError('INVALID_PAYLOAD', 'NMEA payloads belong on the gnss stream');
    return decodeNmeaPayload(payload, context.deviceId);
  }
  if (isCompactPayload(payload)) {
    const readings = decodeCompact(payload, context.deviceId);
    if (readings[0]!.stream !== context.stream) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `compact frame is for ${readings[0]!.stream}, topic is ${context.stream}`,
      );
    }
    return readings;
  }
  throw new ShambaError(
    'INVALID_PAYLOAD',
    `unrecognised payload (first byte 0x${first.toString(16).padStart(2, '0')})`,
  );
}
