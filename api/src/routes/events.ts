import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ShambaError } from '@shamba/schemas';
import type { AppEnv } from '../auth/bearer-auth.js';
import { audienceOf } from '../live/audience.js';
import {
  createLiveFeed,
  type LiveEvent,
  type LiveFeed,
  type LiveFeedOptions,
} from '../live/live-feed.js';

export interface EventRoutesOptions extends LiveFeedOptions {
  /**
   * A comment line this often keeps the stream alive (default and most: 15 s): proxies and phone
   * networks drop a connection silent for 30-60 s, and a dead client is noticed at the next
   * write. Each heartbeat also asks again whether the credential still works, so 15 s is as
   * long as a stream outlives a sign-out or a revoked token.
   */
  heartbeatMs?: number;
  /** The feed to listen to (default: one made from these options). */
  feed?: LiveFeed;
}

/** Why the server ended a stream, sent as the last event (`event: end`). */
type EndReason = 'signed-out' | 'no-access' | 'replaced' | 'unavailable';

/** Events held for one stream at most: a poll's worth for a large cooperative, many times over. */
const MAX_PENDING_EVENTS = 1_000;
/** See `heartbeatMs`: a sign-out reaches an open stream within this. */
const MAX_HEARTBEAT_MS = 15_000;
/**
 * Replaced streams remembered, so that their browsers' reconnection is told to stop (204): a
 * replaced tab reconnects within its 5 s retry, and people replace a few streams a minute, so a
 * thousand outlasts every reconnection short of a script's flood (whose replaced streams are
 * its own).
 */
const MAX_REPLACED_REMEMBERED = 1_000;

/**
 * `GET /coops/:coopId/events`: Server-Sent Events (WHATWG HTML §9.2) of the cooperative's new
 * readings, prescriptions and alerts. The dashboard's EventSource sends the session cookie (it
 * cannot set an Authorization header), which bearerAuth accepts for a GET.
 *
 * Who is asking is decided again at every heartbeat, not once: a revoked token or an ended
 * session ends the stream, and a farmer's fields are read again. Each credential holds a few
 * streams; one more replaces its oldest (see LiveFeedOptions.maxStreamsPerKey).
 */
export function eventRoutes(options: EventRoutesOptions) {
  const { registry } = options;
  const feed = options.feed ?? createLiveFeed(options);
  const heartbeatMs = Math.min(options.heartbeatMs ?? MAX_HEARTBEAT_MS, MAX_HEARTBEAT_MS);
  // Insertion order: the oldest is forgotten first.
  const replaced = new Set<string>();
  const remember = (streamId: string) => {
    replaced.add(streamId);
    if (replaced.size > MAX_REPLACED_REMEMBERED) replaced.delete(replaced.values().next().value!);
  };

  return new Hono<AppEnv>().get('/coops/:coopId/events', async (c) => {
    const coopId = c.req.param('coopId');
    const principal = c.get('principal');
    const credential = c.get('credential');
    let audience = await audienceOf(registry, principal, coopId);
    // A stream that was replaced reconnects by itself (its EventSource sends the id it was
    // given as Last-Event-ID): 204 tells the browser to stop (WHATWG HTML §9.2.3), so four
    // open tabs do not take turns replacing each other.
    const lastEventId = c.req.header('last-event-id');
    if (lastEventId !== undefined && replaced.delete(lastEventId)) return c.body(null, 204);

    const streamId = randomUUID();
    const pending: LiveEvent[] = [];
    let wake: (() => void) | undefined;
    let ending: EndReason | 'gone' | undefined;
    const stop = (reason: EndReason | 'gone') => {
      ending ??= reason;
      wake?.();
    };
    // Before the stream begins, so that a full cooperative is a plain 429.
    const subscription = feed.subscribe(coopId, {
      key: credential.key,
      listener(event) {
        if (!audience(event)) return;
        // A client that stopped reading loses its oldest events, not the box its memory.
        if (pending.length >= MAX_PENDING_EVENTS) pending.shift();
        pending.push(event);
        wake?.();
      },
      onReplaced() {
        remember(streamId);
        stop('replaced');
      },
    });

    /** Whether the stream may go on, with the audience read again; why not otherwise. */
    async function recheck(): Promise<EndReason | undefined> {
      try {
        if (!(await credential.stillValid())) return 'signed-out';
        audience = await audienceOf(registry, principal, coopId);
        return undefined;
      } catch (error) {
        if (error instanceof ShambaError && error.code === 'NOT_FOUND') return 'no-access';
        // Unsure who is asking: end it (the browser reconnects in 5 s and is asked afresh).
        options.logger?.warn({ err: error, coopId }, 'live events: checking the credential failed');
        return 'unavailable';
      }
    }

    return streamSSE(c, async (stream) => {
      stream.onAbort(() => stop('gone'));
      c.req.raw.signal.addEventListener('abort', () => stop('gone'));
      try {
        await subscription.ready;
        // Reconnect after 5 s if the connection drops (the default is the browser's, ~3 s).
        await stream.write(`: connected\nretry: 5000\nid: ${streamId}\n\n`);
        let checkAtMs = Date.now() + heartbeatMs;
        while (ending === undefined && !stream.aborted) {
          if (pending.length === 0 && Date.now() < checkAtMs) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, checkAtMs - Date.now());
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
            continue;
          }
          // Checked on time even while events keep coming: a busy stream is asked too.
          if (Date.now() >= checkAtMs) {
            const reason = await recheck();
            if (reason !== undefined) stop(reason);
            if (ending !== undefined) break;
            await stream.write(': heartbeat\n\n');
            checkAtMs = Date.now() + heartbeatMs;
          }
          // Filtered again: what was queued before the audience was read again may not be theirs.
          for (const event of pending.splice(0))
            if (audience(event))
              await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) });
        }
        if (ending !== undefined && ending !== 'gone' && !stream.aborted)
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: ending }) });
      } finally {
        subscription.unsubscribe();
      }
    });
  });
}
