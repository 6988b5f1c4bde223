import {
  ShambaError,
  checkReading,
  decodeUplink,
  parseTopic,
  type Device,
  type StoredReading,
} from '@shamba/schemas';

export interface DecodeOptions {
  nowMs: number;
  /** Device clocks ahead of the broker by more than this are refused (TIME_IN_FUTURE). */
  maxFutureMs: number;
}

/**
 * Decode -> validate -> enrich, for one publish from an authorised device. Pure: the caller
 * commits what it returns, or dead-letters the ShambaError it throws.
 */
export function decodeMessage(
  device: Device,
  topic: string,
  payload: Uint8Array,
  options: DecodeOptions,
): StoredReading[] {
  const parsed = parseTopic(topic);
  if (parsed?.kind !== 'up')
    throw new ShambaError('INVALID_TOPIC', `not an uplink topic: ${topic}`);
  const readings = decodeUplink(payload, { deviceId: device.id, stream: parsed.stream });
  return readings.map((reading) => ({
    ...checkReading(reading, options),
    coopId: device.coopId,
    fieldId: device.fieldId,
    zoneId: device.zoneId,
    receivedMs: options.nowMs,
  }));
}
