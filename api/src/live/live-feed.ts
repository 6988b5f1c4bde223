import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ShambaError } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { createCoopPoller, type LiveEvent } from './coop-poller.js';
import { createStreamSlots } from './stream-slots.js';

export type { LiveEvent } from './coop-poller.js';

export interface LiveFeedOptions {
  registry: Registry;
  store: TimeSeriesStore;
  clock?: () => number;
  /**
   * How often a cooperative's stores are polled (default 5 s): devices report every 15 minutes
   * and prescriptions change a few times a day, so 5 s feels live to someone watching while a
   * poll (a few indexed reads) costs the box next to nothing.
   */
  pollIntervalMs?: number;
  /**
   * Open streams per cooperative at most (default 20): a cooperative's office has a few screens
   * and phones; each stream holds a socket. Only a backstop now: each credential holds at most
   * `maxStreamsPerKey`, so reaching this takes several people's credentials at once (then 429,
   * rather than exhaust the box's sockets).
   */
  maxStreamsPerCoop?: number;
  /**
   * Open streams per credential (`Credential.key`) at most (default 3: a laptop, a phone and a
   * tab being reloaded). One more replaces that credential's oldest stream instead of being
   * refused, so a person never locks themselves out and one person's script never locks out
   * the rest of the cooperative.
   */
  maxStreamsPerKey?: number;
  /** Not seen for this long: a `silent` alert (default 2 h, the devices page's stale mark). */
  silentAfterMs?: number;
  /**
   * How long a cooperative's loop keeps polling after its last stream closed (default 60 s), so
   * a stream that reconnects (a phone between cells, a reload) resumes from its Last-Event-ID
   * with nothing missed.
   */
  lingerMs?: number;
  logger?: Logger | undefined;
}

/** An event and its id (`e.<process>.<n>`): what a stream sends as `id:`. */
export type LiveListener = (event: LiveEvent, id: string) => void;

/**
 * Events kept per cooperative for streams that resume: at a few events a minute, 256 cover more
 * than the linger and any reconnect; each is a few hundred bytes.
 */
const RECENT_EVENTS = 256;

/** Who listens: their credential's key, what to do with each event, and how to be replaced. */
export interface LiveSubscriber {
  key: string;
  listener: LiveListener;
  /**
   * The credential opened a stream past its `maxStreamsPerKey` and this, its oldest, gave way:
   * the subscription is already ended; the stream should close.
   */
  onReplaced: () => void;
}

export interface LiveSubscription {
  /** Resolves once the cooperative's loop knows the present: events from then on are news. */
  ready: Promise<void>;
  /** The id of the newest event so far: where this stream starts (its first `id:`). */
  position: string;
  /**
   * Resuming (`after` given): the events since it, oldest first; null when they cannot be told
   * (the id is older than what is kept, or from before a restart): the client should reload.
   */
  missed: { event: LiveEvent; id: string }[] | null;
  unsubscribe(): void;
}

export interface LiveFeed {
  /**
   * Listens to a cooperative's events. The subscriber's oldest stream gives way when its key
   * holds its most; TOO_MANY_REQUESTS when the cooperative holds its most.
   */
  subscribe(coopId: string, subscriber: LiveSubscriber, after?: string): LiveSubscription;
  /** Open streams of a cooperative. */
  streams(coopId: string): number;
  /** Open streams of a credential, all cooperatives together. */
  streamsOf(key: string): number;
}

interface CoopLoop {
  listeners: Set<LiveListener>;
  ready: Promise<void>;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Stops the loop once no stream has come back for `lingerMs`. */
  linger: ReturnType<typeof setTimeout> | undefined;
  stopped: boolean;
  /** The position before the loop's first event, and the newest events with their ids. */
  startId: string;
  recent: { event: LiveEvent; id: string }[];
}

/**
 * The dashboard's live events: one poll loop per cooperative, shared by all its open streams,
 * started by the first and stopped when the last goes (so an idle box polls nothing). Polling,
 * not hooks into ingest and analytics: they run in other processes or threads on a real box
 * (the broker, the worker pool), and the stores are what they all share.
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const clock = options.clock ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const maxStreams = options.maxStreamsPerCoop ?? 20;
  const slots = createStreamSlots(options.maxStreamsPerKey ?? 3);
  const silentAfterMs = options.silentAfterMs ?? 2 * 3_600_000;
  const lingerMs = options.lingerMs ?? 60_000;
  const loops = new Map<string, CoopLoop>();
  // Ids are this process's and count up across cooperatives: an id from before a restart, or
  // from a loop that stopped, is never taken for one of today's.
  const processId = randomBytes(4).toString('hex');
  let counter = 0;
  const nextId = () => `e.${processId}.${++counter}`;
  const positionOf = (loop: CoopLoop) => loop.recent.at(-1)?.id ?? loop.startId;

  function start(coopId: string): CoopLoop {
    const poller = createCoopPoller({ ...options, clock, silentAfterMs }, coopId);
    const loop: CoopLoop = {
      listeners: new Set(),
      ready: Promise.resolve(),
      timer: undefined,
      linger: undefined,
      stopped: false,
      startId: nextId(),
      recent: [],
    };
    const failed = (error: unknown) =>
      options.logger?.warn({ err: error, coopId }, 'live events: polling the stores failed');
    // Each poll waits for the one before, and then at least as long as it took: a slow store
    // (a cooperative with many fields, see coop-poller.ts) never has polls piling up, and the
    // stores spend at most half their time on this cooperative's live events.
    let startedMs = Date.now();
    const next = () => {
      if (loop.stopped) return;
      const tookMs = Date.now() - startedMs;
      loop.timer = setTimeout(
        () => {
          startedMs = Date.now();
          poller
            .poll()
            .then((events) => {
              for (const event of events) {
                const id = nextId();
                loop.recent.push({ event, id });
                if (loop.recent.length > RECENT_EVENTS) loop.recent.shift();
                for (const listener of loop.listeners) listener(event, id);
              }
            }, failed)
            .finally(next);
        },
        Math.max(pollIntervalMs, tookMs),
      );
      // A lingering loop must not keep a process that is shutting down alive.
      loop.timer.unref();
    };
    loop.ready = poller.prime().catch(failed).finally(next);
    return loop;
  }

  return {
    subscribe(coopId, { key, listener, onReplaced }, after) {
      // The credential's own oldest stream gives way first, so its place in the cooperative's
      // allowance is free before that is counted.
      const release = slots.take(key, () => {
        subscription.unsubscribe();
        onReplaced();
      });
      let loop = loops.get(coopId);
      if (loop !== undefined && loop.listeners.size >= maxStreams) {
        release();
        throw new ShambaError(
          'TOO_MANY_REQUESTS',
          `at most ${maxStreams} live streams per cooperative: close one`,
          // A stream ends when its page closes: half a minute frees one in the usual case.
          { details: { retryAfterS: 30 } },
        );
      }
      if (loop === undefined) {
        loop = start(coopId);
        loops.set(coopId, loop);
      }
      const own = loop;
      clearTimeout(own.linger);
      own.listeners.add(listener);
      let missed: LiveSubscription['missed'] = [];
      if (after !== undefined) {
        const at = own.recent.findIndex((e) => e.id === after);
        missed =
          after === own.startId ? [...own.recent] : at >= 0 ? own.recent.slice(at + 1) : null;
      }
      let ended = false;
      const subscription: LiveSubscription = {
        ready: own.ready,
        position: positionOf(own),
        missed,
        unsubscribe() {
          if (ended) return;
          ended = true;
          release();
          own.listeners.delete(listener);
          if (own.listeners.size > 0 || loops.get(coopId) !== own) return;
          // Kept polling a while, for the stream that comes back.
          own.linger = setTimeout(() => {
            if (own.listeners.size > 0) return;
            own.stopped = true;
            clearTimeout(own.timer);
            if (loops.get(coopId) === own) loops.delete(coopId);
          }, lingerMs);
          own.linger.unref();
        },
      };
      return subscription;
    },
    streams: (coopId) => loops.get(coopId)?.listeners.size ?? 0,
    streamsOf: (key) => slots.held(key),
  };
}
