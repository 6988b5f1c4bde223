import {
  ShambaError,
  checkReading,
  decodeUplink,
  parseTopic,
  type Device,
  type ParsedTopic,
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
  topic: string | ParsedTopic | undefined,
  payload: Uint8Array,
  options: DecodeOptions,
): StoredReading[] {
  const parsed = typeof topic === 'string' ? parseTopic(topic) : topic;
  if (parsed?.kind !== 'up')
    throw new ShambaError(
      'INVALID_TOPIC',
      `not an uplink topic: ${typeof topic === 'string' ? topic : JSON.stringify(topic ?? null)}`,
    );
  const readings = decodeUplink(payload, { deviceId: device.id, stream: parsed.stream });
  const stored: StoredReading[] = [];
  for (const reading of readings) {
    checkReading(reading, options);
    // One literal with every member (a spread, or members added later, costs V8 a slow copy
    // or a new shape per reading; this runs for every reading ingested).
    stored.push({
      deviceId: reading.deviceId,
      stream: reading.stream,
      timeMs: reading.timeMs,
      seq: reading.seq,
      values: reading.values,
      coopId: device.coopId,
      fieldId: device.fieldId,
      zoneId: device.zoneId,
      receivedMs: options.nowMs,
    });
  }
  return stored;
}
