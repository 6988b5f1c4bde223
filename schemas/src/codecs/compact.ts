import { ShambaError } from '../errors/shamba-error.js';
import type { QUANTITIES } from '../readings/quantities.js';
import type { Reading } from '../readings/reading.js';
import { UP_STREAMS, type UpStream } from '../topics/topic.js';

/**
 * The compact binary uplink, for links counted in bytes: a LoRaWAN frame at its slowest data
 * rate carries 51 bytes (LoRaWAN Regional Parameters RP002, EU868 DR0), a BeiDou-3 global short
 * message 560 bits = 70 bytes. SenML in CBOR (RFC 8428 §6) would be the standard choice, but a
 * soil sample costs about 80 bytes there (string names, float values), so this codec keeps
 * SenML's model (base time, per-sample records, registered units) with fixed-point fields:
 *
 *   byte 0       0x1S: version 1 in the high nibble, stream index S (soil 0, weather 1, gnss 2, status 3)
 *   bytes 1-4    base time, uint32 big-endian, seconds since 2020-01-01T00:00:00Z (until 2156)
 *   varint       seq of the first sample (LEB128); later samples count up by one
 *   then per sample:
 *     varint     seconds after the base time (0 for the first)
 *     byte(s)    presence bitmap, one bit per quantity in the table order (LSB first)
 *     fields     each present quantity as a big-endian fixed-point integer
 *
 * A full soil or weather sample is about 20 bytes and each further sample in the frame about
 * 14, so four soil samples fit one BeiDou short message.
 */
export const COMPACT_VERSION = 1;
export const COMPACT_EPOCH_MS = Date.UTC(2020, 0, 1);

type FieldType = 'u8' | 'u16' | 'i16' | 'i32' | 'u32';
const FIELD_BYTES: Record<FieldType, number> = { u8: 1, u16: 2, i16: 2, i32: 4, u32: 4 };

/** Wire type and resolution of every quantity; each covers the quantity's whole allowed range. */
export const COMPACT_FIELDS: {
  [S in UpStream]: Record<keyof (typeof QUANTITIES)[S], { type: FieldType; scale: number }>;
} = {
  soil: {
    vwc10: { type: 'u16', scale: 10_000 },
    vwc30: { type: 'u16', scale: 10_000 },
    vwc60: { type: 'u16', scale: 10_000 },
    soilTempC: { type: 'i16', scale: 100 },
    ecDsM: { type: 'u16', scale: 1000 },
    batteryPct: { type: 'u8', scale: 1 },
  },
  weather: {
    airTempC: { type: 'i16', scale: 100 },
    rhPct: { type: 'u16', scale: 100 },
    windMs: { type: 'u16', scale: 100 },
    solarWm2: { type: 'u16', scale: 1 },
    rainMm: { type: 'u16', scale: 10 },
    pressureKPa: { type: 'u16', scale: 100 },
    batteryPct: { type: 'u8', scale: 1 },
  },
  gnss: {
    latitudeDeg: { type: 'i32', scale: 1e7 },
    longitudeDeg: { type: 'i32', scale: 1e7 },
    altitudeM: { type: 'i32', scale: 100 },
    fixQuality: { type: 'u8', scale: 1 },
    satellites: { type: 'u8', scale: 1 },
    hdop: { type: 'u16', scale: 100 },
  },
  status: {
    batteryPct: { type: 'u8', scale: 1 },
    rssiDbm: { type: 'i16', scale: 1 },
    queueDepth: { type: 'u32', scale: 1 },
    online: { type: 'u8', scale: 1 },
    appliedMm: { type: 'u16', scale: 10 },
  },
};

const fieldsOf = (stream: UpStream) =>
  Object.entries(COMPACT_FIELDS[stream]) as [string, { type: FieldType; scale: number }][];

export function isCompactPayload(payload: Uint8Array): boolean {
  return payload.length > 0 && payload[0]! >> 4 === COMPACT_VERSION;
}

export function encodeCompact(readings: readonly Reading[]): Uint8Array {
  const first = readings[0];
  if (first === undefined) throw new ShambaError('INVALID_PAYLOAD', 'nothing to encode');
  const out: number[] = [];
  const baseS = Math.floor((first.timeMs - COMPACT_EPOCH_MS) / 1000);
  if (baseS < 0 || baseS > 0xffff_ffff)
    throw new ShambaError('INVALID_PAYLOAD', 'time outside the compact epoch');
  out.push((COMPACT_VERSION << 4) | UP_STREAMS.indexOf(first.stream), ...uint(baseS, 4));
  varint(out, first.seq);
  const fields = fieldsOf(first.stream);
  readings.forEach((reading, index) => {
    if (reading.stream !== first.stream || reading.deviceId !== first.deviceId) {
      throw new ShambaError('INVALID_PAYLOAD', 'a compact frame holds one device and one stream');
    }
    if (reading.seq !== (first.seq + index) >>> 0)
      throw new ShambaError('INVALID_PAYLOAD', 'samples in a frame must have consecutive seq');
    const offsetS = Math.floor((reading.timeMs - COMPACT_EPOCH_MS) / 1000) - baseS;
    if (offsetS < 0)
      throw new ShambaError('INVALID_PAYLOAD', 'samples in a frame must be in time order');
    varint(out, offsetS);
    const bitmap = new Array<number>(Math.ceil(fields.length / 8)).fill(0);
    const body: number[] = [];
    fields.forEach(([name, field], bit) => {
      const value = reading.values[name];
      if (value === undefined) return;
      bitmap[bit >> 3]! |= 1 << (bit & 7);
      body.push(...fixed(name, value, field));
    });
    for (const name of Object.keys(reading.values)) {
      if (!Object.hasOwn(COMPACT_FIELDS[reading.stream], name))
        throw new ShambaError('INVALID_PAYLOAD', `no compact field for ${name}`);
    }
    out.push(...bitmap, ...body);
  });
  return Uint8Array.from(out);
}

export function decodeCompact(payload: Uint8Array, deviceId: string): Reading[] {
  const cursor = { offset: 0 };
  const need = (n: number) => {
    if (cursor.offset + n > payload.length)
      throw new ShambaError('INVALID_PAYLOAD', `compact frame truncated at byte ${cursor.offset}`);
  };
  need(5);
  const head = payload[0]!;
  const stream = UP_STREAMS[head & 0x0f];
  if (head >> 4 !== COMPACT_VERSION || stream === undefined)
    throw new ShambaError('INVALID_PAYLOAD', `unknown compact header 0x${head.toString(16)}`);
  const baseS = readUint(payload, 1, 4);
  cursor.offset = 5;
  const firstSeq = readVarint(payload, cursor);
  const fields = fieldsOf(stream);
  const readings: Reading[] = [];
  while (cursor.offset < payload.length) {
    const offsetS = readVarint(payload, cursor);
    const bitmapBytes = Math.ceil(fields.length / 8);
    need(bitmapBytes);
    const bitmap = payload.subarray(cursor.offset, cursor.offset + bitmapBytes);
    cursor.offset += bitmapBytes;
    const values: Record<string, number> = {};
    fields.forEach(([name, field], bit) => {
      if ((bitmap[bit >> 3]! & (1 << (bit & 7))) === 0) return;
      const size = FIELD_BYTES[field.type];
      need(size);
      const raw = field.type.startsWith('i')
        ? readInt(payload, cursor.offset, size)
        : readUint(payload, cursor.offset, size);
      cursor.offset += size;
      values[name] = Number((raw / field.scale).toPrecision(10));
    });
    readings.push({
      deviceId,
      stream,
      timeMs: COMPACT_EPOCH_MS + (baseS + offsetS) * 1000,
      seq: (firstSeq + readings.length) >>> 0,
      values,
    });
    if (readings.length > 64)
      throw new ShambaError('INVALID_PAYLOAD', 'more than 64 samples in a compact frame');
  }
  if (readings.length === 0)
    throw new ShambaError('INVALID_PAYLOAD', 'compact frame has no samples');
  return readings;
}

function fixed(name: string, value: number, field: { type: FieldType; scale: number }): number[] {
  const raw = Math.round(value * field.scale);
  const size = FIELD_BYTES[field.type];
  const signed = field.type.startsWith('i');
  const min = signed ? -(2 ** (size * 8 - 1)) : 0;
  const max = signed ? 2 ** (size * 8 - 1) - 1 : 2 ** (size * 8) - 1;
  if (!Number.isFinite(raw) || raw < min || raw > max)
    throw new ShambaError('INVALID_PAYLOAD', `${name}=${value} does not fit ${field.type}`);
  return uint(raw < 0 ? raw + 2 ** (size * 8) : raw, size);
}

function uint(value: number, bytes: number): number[] {
  return Array.from(
    { length: bytes },
    (_, i) => Math.floor(value / 2 ** (8 * (bytes - 1 - i))) & 0xff,
  );
}

function readUint(data: Uint8Array, offset: number, bytes: number): number {
  let value = 0;
  for (let i = 0; i < bytes; i++) value = value * 256 + data[offset + i]!;
  return value;
}

function readInt(data: Uint8Array, offset: number, bytes: number): number {
  const value = readUint(data, offset, bytes);
  return value >= 2 ** (bytes * 8 - 1) ? value - 2 ** (bytes * 8) : value;
}

/** Unsigned LEB128, at most 5 bytes (32 bits). */
function varint(out: number[], value: number): void {
  let v = value >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

function readVarint(data: Uint8Array, cursor: { offset: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const byte = data[cursor.offset++];
    if (byte === undefined)
      throw new ShambaError('INVALID_PAYLOAD', 'compact frame truncated in a varint');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) {
      if (value > 0xffff_ffff)
        throw new ShambaError('INVALID_PAYLOAD', 'varint larger than 32 bits');
      return value;
    }
  }
  throw new ShambaError('INVALID_PAYLOAD', 'varint longer than 5 bytes');
}
