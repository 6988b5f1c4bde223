// The library decodes short_message into text with its own GSM table (lossy: unknown septets
// become spaces). To decode and check the exact octets we keep the raw frames the session reads
// and take short_message from them.

const HEADER_OCTETS = 16; // command_length, command_id, command_status, sequence_number (§3.2)
/** message_payload TLV tag (SMPP v3.4 §5.3.2.32), used instead of short_message when sm_length is 0. */
const TAG_MESSAGE_PAYLOAD = 0x0424;

interface ReadableSocket {
  read(size?: number): unknown;
}

/**
 * Records the frames of the given command ids as the library reads them off the socket, keyed
 * by command id and sequence number. `take` hands one over and forgets it.
 */
export function tapFrames(socket: ReadableSocket, commandIds: readonly number[]) {
  const frames = new Map<string, Uint8Array>();
  let pending: Uint8Array[] = [];
  let pendingOctets = 0;
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size);
    if (chunk instanceof Uint8Array) collect(chunk);
    return chunk;
  };
  function collect(chunk: Uint8Array): void {
    pending.push(chunk);
    pendingOctets += chunk.length;
    const frame = concat(pending, pendingOctets);
    if (frame.length < 4) return;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (frame.length < view.getUint32(0)) return;
    pending = [];
    pendingOctets = 0;
    if (frame.length < HEADER_OCTETS) return;
    const commandId = view.getUint32(4);
    if (commandIds.includes(commandId)) frames.set(`${commandId}:${view.getUint32(12)}`, frame);
  }
  return {
    take(commandId: number, sequenceNumber: number): Uint8Array | undefined {
      const key = `${commandId}:${sequenceNumber}`;
      const frame = frames.get(key);
      frames.delete(key);
      return frame;
    },
  };
}

/**
 * The short_message octets of a submit_sm or deliver_sm frame (both have the same mandatory
 * fields up to short_message: SMPP v3.4 §4.4.1 and §4.6.1), or message_payload when sm_length is 0.
 */
export function readShortMessage(frame: Uint8Array): Uint8Array {
  let offset = HEADER_OCTETS;
  offset = skipCString(frame, offset); // service_type
  offset += 2; // source_addr_ton, source_addr_npi
  offset = skipCString(frame, offset); // source_addr
  offset += 2; // dest_addr_ton, dest_addr_npi
  offset = skipCString(frame, offset); // destination_addr
  offset += 3; // esm_class, protocol_id, priority_flag
  offset = skipCString(frame, offset); // schedule_delivery_time
  offset = skipCString(frame, offset); // validity_period
  offset += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
  const smLength = frame[offset] ?? 0;
  offset += 1;
  if (smLength > 0) return frame.subarray(offset, offset + smLength);
  return findTlv(frame, offset, TAG_MESSAGE_PAYLOAD) ?? new Uint8Array(0);
}

function findTlv(frame: Uint8Array, start: number, tag: number): Uint8Array | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let offset = start; offset + 4 <= frame.length;) {
    const length = view.getUint16(offset + 2);
    if (view.getUint16(offset) === tag) return frame.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
  }
  return undefined;
}

function skipCString(frame: Uint8Array, offset: number): number {
  const end = frame.indexOf(0, offset);
  return end < 0 ? frame.length : end + 1;
}

function concat(chunks: Uint8Array[], octets: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const joined = new Uint8Array(octets);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
