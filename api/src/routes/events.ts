import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { ShambaError } from '@shamba/schemas';
import type { AppEnv } from '../auth/bearer-auth.js';
import { COMMON_PROBLEMS, idParam, openApiRoutes } from '../http/openapi.js';
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

/** What the stream carries, for the document (WHATWG HTML §9.2). */
const EVENT_KINDS = [
  'Server-Sent Events (WHATWG HTML §9.2): `event:` names the kind, `data:` is one JSON object.',
  '',
  "- `reading`: a device's newest reading, `{deviceId, stream, time, timeMs}`.",
  '- `prescription`: a new prescription version, `{id, fieldId, fieldName, kind, createdAt}`.',
  '- `alert`: `{kind: "dead-letter", deviceId, code, reason, count}` (a refused message) or',
  '  `{kind: "silent", deviceId, lastSeen}` (a device gone quiet).',
  "- `device`: a device's state changed, `{deviceId, state}`: `added`, `disabled`, `enabled`,",
  '  `removed`, or `reporting` again after it went silent.',
  '- `reset`: resuming from `Last-Event-ID` was not possible (the id is older than what is',
  '  kept, or from before a restart): read the present again.',
  '- `end`: the server ended the stream, `{reason}`: `signed-out`, `no-access`, `replaced` (the',
  '  credential opened a newer stream) or `unavailable`.',
  '',
  'Each event has an `id:`; a client that reconnects sends the last as `Last-Event-ID` and',
  'gets what it missed first (a cooperative keeps its newest 256 events, and goes on polling',
  'for a minute after its last stream closes).',
  '',
  "The first lines are `: connected`, `retry: 5000` and the stream's position as `id:`; a `: heartbeat`",
  'comment follows at most every 15 s.',
].join('\n');

const streamEvents = createRoute({
  method: 'get',
  path: '/coops/{coopId}/events',
  tags: ['Live events'],
  summary: "The cooperative's live events as Server-Sent Events (anyone of the cooperative)",
  description:
    "New readings, prescriptions and alerts; a farmer gets their own fields' only. The " +
    'credential is checked again at every heartbeat, so revocation or sign-out ends the ' +
    'stream. By default each credential holds 3 streams (a 4th replaces its oldest) and a ' +
    'cooperative 20 (then 429). A session cookie works here too (an EventSource cannot send a ' +
    'header).',
  request: {
    params: z.object({ coopId: idParam('The cooperative.') }),
    headers: z.object({
      'last-event-id': z
        .string()
        .optional()
        .meta({
          description:
            'The last event id a reconnecting stream got: it resumes after it (a `reset` event ' +
            'if it cannot); 204 if that stream was replaced by a newer one.',
        }),
    }),
  },
  responses: {
    200: {
      description: 'The stream, open until the client or the server ends it.',
      content: { 'text/event-stream': { schema: z.string().meta({ description: EVENT_KINDS }) } },
    },
    204: {
      description:
        'The stream reconnecting (`Last-Event-ID`) was replaced by a newer one: stop ' +
        '(WHATWG HTML §9.2.3).',
    },
    ...COMMON_PROBLEMS,
  },
});

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

  return openApiRoutes<AppEnv>().openapi(streamEvents, async (c) => {
    const { coopId } = c.req.valid('param');
    const principal = c.get('principal');
    const credential = c.get('credential');
    let audience = await audienceOf(registry, principal, coopId);
    // A stream that was replaced reconnects by itself (its EventSource sends the id it was
    // given as Last-Event-ID): 204 tells the browser to stop (WHATWG HTML §9.2.3), so four
    // open tabs do not take turns replacing each other.
    const lastEventId = c.req.valid('header')['last-event-id'];
    if (lastEventId !== undefined && replaced.delete(lastEventId)) return c.body(null, 204);

    const streamId = `r.${randomUUID()}`;
    const pending: { event: LiveEvent; id: string }[] = [];
    let wake: (() => void) | undefined;
    let ending: EndReason | 'gone' | undefined;
    const stop = (reason: EndReason | 'gone') => {
      ending ??= reason;
      wake?.();
    };
    // Before the stream begins, so that a full cooperative is a plain 429.
    const queue = (event: LiveEvent, id: string) => {
      if (!audience(event)) return;
      // A client that stopped reading loses its oldest events, not the box its memory.
      if (pending.length >= MAX_PENDING_EVENTS) pending.shift();
      pending.push({ event, id });
      wake?.();
    };
    const subscription = feed.subscribe(
      coopId,
      {
        key: credential.key,
        listener: queue,
        onReplaced() {
          remember(streamId);
          stop('replaced');
        },
      },
      lastEventId,
    );
    // Resuming: what happened since the client's last event comes first, in order.
    for (const { event, id } of subscription.missed ?? []) queue(event, id);

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
        await stream.write(`: connected\nretry: 5000\nid: ${subscription.position}\n\n`);
        // The client's last event is older than what is kept (or from before a restart): it
        // may have missed some, and should read the present again.
        if (lastEventId !== undefined && subscription.missed === null)
          await stream.writeSSE({ event: 'reset', data: JSON.stringify({ lastEventId }) });
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
          for (const { event, id } of pending.splice(0))
            if (audience(event))
              await stream.writeSSE({ event: event.type, data: JSON.stringify(event.data), id });
        }
        // A replaced stream's end carries its own id: its EventSource reconnects with it, and is
        // told to stop (204) instead of replacing another in turn.
        if (ending !== undefined && ending !== 'gone' && !stream.aborted)
          await stream.writeSSE({
            event: 'end',
            data: JSON.stringify({ reason: ending }),
            ...(ending === 'replaced' ? { id: streamId } : {}),
          });
      } finally {
        subscription.unsubscribe();
      }
    });
  });
}
