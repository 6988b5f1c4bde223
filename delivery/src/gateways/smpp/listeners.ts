// Listeners for receipts and inbound messages. The SMSC may deliver as soon as we are bound,
// before the caller has registered a listener (createSmppGateway resolves after the bind);
// those events wait here, since deliver_sm_resp already told the SMSC they were delivered.

/** Early events kept per kind: an SMSC's backlog after an outage, bounded for memory. */
const MAX_EARLY_EVENTS = 10_000;

export function createListeners<T>(onListenerError: (error: unknown) => void) {
  const listeners: ((value: T) => void)[] = [];
  const early: T[] = [];

  function call(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (error) {
      onListenerError(error);
    }
  }

  return {
    add(listener: (value: T) => void): void {
      listeners.push(listener);
      if (listeners.length === 1) for (const value of early.splice(0)) call(listener, value);
    },
    /** false when the event had to be dropped (no listener and the early queue is full). */
    emit(value: T): boolean {
      if (listeners.length === 0) {
        if (early.length >= MAX_EARLY_EVENTS) return false;
        early.push(value);
        return true;
      }
      for (const listener of listeners) call(listener, value);
      return true;
    },
  };
}
