// For tests: an event stream read over a real socket, as a browser's EventSource reads it.

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** The event's `id:`, if it has one. */
  id?: string;
}

/** An open event stream read over the socket, as text/event-stream (WHATWG HTML §9.2.6). */
export interface SseStream {
  status: number;
  type: string | null;
  /** The next event matching, or a failure after `timeoutMs`. */
  next(predicate: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Raw text received so far (comments included). */
  text(): string;
  /** Whether the server ended the response (not counting `close()`). */
  ended(): boolean;
  close(): void;
}

/**
 * Opens `url` and reads it as it comes. A 200 resolves once the server's `: connected` comment
 * arrived (its feed has primed, so what is written from then on is news); any other status
 * resolves at once with the body discarded.
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  let raw = '';
  let ended = false;
  const events: SseEvent[] = [];
  let waiting: (() => void) | undefined;
  const reading = (async () => {
    if (response.status !== 200) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) {
        raw += decoder.decode(chunk as Uint8Array, { stream: true });
        const blocks = raw.split('\n\n');
        events.length = 0;
        for (const block of blocks.slice(0, -1)) {
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          const id = /^id: (.+)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined)
            events.push({
              event,
              data: JSON.parse(data) as Record<string, unknown>,
              ...(id === undefined ? {} : { id }),
            });
        }
        waiting?.();
      }
      ended = true;
    } catch {
      // Aborted by close().
    }
  })();
  const stream: SseStream = {
    status: response.status,
    type: response.headers.get('content-type'),
    async next(predicate, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no such event; received:\n${raw}`);
        await new Promise<void>((resolve) => {
          waiting = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    text: () => raw,
    ended: () => ended,
    close() {
      abort.abort();
      void reading;
    },
  };
  if (response.status === 200) {
    const deadline = Date.now() + 3_000;
    while (!raw.includes(': connected') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
  } else await response.body?.cancel();
  return stream;
}
