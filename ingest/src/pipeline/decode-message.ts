import {
  checkReading,
  decodeUplink,
  type Device,
  type StoredReading,
  type UpStream,
} from '@shamba/schemas';

/** One publish to decode: the device it speaks for, the stream its topic names, its bytes. */
export interface UplinkMessage {
  device: Device;
  stream: UpStream;
  payload: Uint8Array;
}

export interface DecodeOptions {
  nowMs: number;
  /** Device clocks ahead of the broker by more than this are refused (TIME_IN_FUTURE). */
  maxFutureMs: number;
}

/**
 * Decode -> validate -> enrich, for one publish from an authorised device on the uplink `stream`
 * its topic names (the topic ACL has accepted it). Pure: the caller commits what it returns, or
 * dead-letters the ShambaError it throws.
 */
export function decodeMessage(
  { device, stream, payload }: UplinkMessage,
  options: DecodeOptions,
): StoredReading[] {
  const readings = decodeUplink(payload, { deviceId: device.id, stream });
  const stored: StoredReading[] = [];
  for (const reading of readings) {
    checkReading(reading, options);
    // One literal with every member, built once per reading ingested.
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
