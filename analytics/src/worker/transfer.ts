/**
 * Results a task hands over rather than copies (after Comlink's `transfer`): a task marks its
 * result with the buffers to move, and the worker shell posts it with them as the transfer
 * list, so a rendered image crosses from the worker to the main thread without a copy. Opt-in:
 * a buffer a task keeps using (a cache) must never be moved out from under it.
 */
const TRANSFERS = new WeakMap<object, ArrayBuffer[]>();

/** Marks `value` to be posted with `buffers` moved, not copied; returns `value`. */
export function transfer<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  TRANSFERS.set(value, buffers);
  return value;
}

/** The buffers a task's result was marked with (none for any other value). */
export function transferListOf(value: unknown): ArrayBuffer[] {
  return typeof value === 'object' && value !== null ? (TRANSFERS.get(value) ?? []) : [];
}

/**
 * Bytes that own their whole ArrayBuffer, so that moving it moves nothing else: a view of the
 * buffer when it already does, else one copy. Node hands out small Buffers as slices of a shared
 * 8 KiB pool; transferring that pool would detach every other Buffer cut from it.
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole =
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength;
  return whole ? new Uint8Array(bytes.buffer) : new Uint8Array(bytes);
}

/** Bytes marked to be moved out of the worker with their buffer. */
export function transferBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const owned = ownedBytes(bytes);
  return transfer(owned, [owned.buffer]);
}
