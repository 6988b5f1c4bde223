import { performance } from 'node:perf_hooks';
import type { Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import {
  ShambaError,
  isShambaError,
  parseTopic,
  type ErrorCode,
  type ParsedTopic,
  type StoredReading,
} from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { createPositionWatch } from '../events/position-watch.js';
import type { AuthorizePublishHook } from '../hooks/ingest-hooks.js';
import type { IngestMetrics } from '../observability/ingest-metrics.js';
import { errorText, type RefusalLog } from '../observability/refusal-log.js';
import type { DeadLetterWriter } from './dead-letter-writer.js';
import { decodeMessage } from './decode-message.js';
import type { GroupCommitter } from './group-commit.js';

type Done = (error: Error | null) => void;

/** One publish on its way through the pipeline. */
interface Uplink {
  /** The device that sent it (a gateway, for a relayed message): its token, its dead letters. */
  device: DeviceRecord;
  /** The device it speaks for: decoded and enriched as this one. */
  source: DeviceRecord;
  parsed: ParsedTopic & { kind: 'up' };
  topic: string;
  payload: Buffer;
  /** performance.now() at arrival, for the commit latency. */
  started: number;
}

/** A refused message, as its dead letter will hold it. */
interface Refusal {
  device: DeviceRecord;
  topic: string;
  payload: Buffer;
  error: ShambaError;
  /** Repeats with one key fold into one row (see DeadLetterInput.foldKey). */
  foldKey?: string;
}

export interface PublishHandlerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  /** The device a client authenticated as (undefined: none). */
  deviceOf: (client: Client) => DeviceRecord | undefined;
  /** The topic ACL: where a device may publish (see hooks/). */
  authorize: AuthorizePublishHook;
  clock: () => number;
  maxFutureMs: number;
  /** Takes the device's token for a PUBLISH; the error that cuts it when it has none left. */
  overRate: (device: DeviceRecord, packet: 'PUBLISH') => Error | undefined;
  /** Gives back the token of a message we failed to handle (the rate limiter's giveBack). */
  refund: (deviceId: string) => void;
  committer: GroupCommitter;
  /** Told of every commit, for the broker's health (see commit-health.ts). */
  commits: { succeeded(): void; failed(): void };
  deadLetters: DeadLetterWriter;
  metrics: IngestMetrics;
  count: (reason: ErrorCode) => void;
  /** Failed commits, logged once a minute (at error). */
  storeFailures: RefusalLog;
  logger: Logger;
  /** Called with the number of readings each successful commit made durable. */
  onCommitted: (readings: number) => void;
  /** The broker's own publish (device.moved events). */
  publishEvent: (topic: string, payload: Buffer) => void;
}

/**
 * Aedes' `authorizePublish`: runs before Aedes sends the PUBACK (it sends it before storing: see
 * the Aedes docs), so the reading is committed here, and a PUBACK is only ever sent for a durable
 * reading or a durable dead letter. If the store fails, the error disconnects the device without
 * a PUBACK and it resends after reconnecting. A device's own soil or weather reading takes no
 * promise on the way: it goes straight to the group commit, whose callback answers Aedes.
 *
 * Every publish takes a token from the device's bucket first, refused ones included (they are
 * work, and were once an unthrottled way to write dead letters); a device out of tokens is cut
 * without a letter. A commit that fails on our side gives its token back.
 */
export function createPublishHandler(options: PublishHandlerOptions) {
  const { registry, store, clock, committer, commits, metrics, count } = options;
  const checkMoved = createPositionWatch(options);

  /** The store or the registry failed (our side): logged, not acknowledged, token returned. */
  function failed(
    cause: unknown,
    at: { topic: string; refundTo?: string | undefined },
    done: Done,
  ) {
    commits.failed();
    if (at.refundTo !== undefined) options.refund(at.refundTo);
    options.storeFailures.note(
      { source: 'store', reason: 'commit failed' },
      { topic: at.topic, err: errorText(cause) },
      'commit failed; publish not acknowledged',
    );
    done(new ShambaError('STORE_UNAVAILABLE', 'commit failed', { cause }));
  }

  /**
   * Dead-letters a refused message, then answers Aedes with `reply`: the refusal (no PUBACK, the
   * device is disconnected) or null (acknowledged, so the device stops resending a bad message).
   * A dead letter that cannot be stored is a failed commit.
   */
  function refuse(letter: Refusal, reply: Error | null, done: Done) {
    const { device, topic } = letter;
    count(letter.error.code);
    options.deadLetters
      .write({
        deviceId: device.id,
        coopId: device.coopId,
        topic,
        code: letter.error.code,
        reason: letter.error.message,
        payload: letter.payload,
        ...(letter.foldKey === undefined ? {} : { foldKey: letter.foldKey }),
      })
      .then(
        () => done(reply),
        (cause: unknown) =>
          failed(cause, { topic, refundTo: reply === null ? device.id : undefined }, done),
      );
  }

  /** After a GNSS fix is durable: is the device still on its field? Answers Aedes either way. */
  function afterFix(source: DeviceRecord, readings: readonly StoredReading[], done: Done) {
    checkMoved(source, readings).then(
      () => done(null),
      (cause: unknown) => {
        const fields = { err: errorText(cause) };
        options.storeFailures.note(
          { source: source.id, reason: 'position check failed' },
          fields,
          'position check failed',
        );
        done(null);
      },
    );
  }

  /** Commits decoded readings; the PUBACK waits for the group commit's callback. */
  function commit(uplink: Uplink, readings: StoredReading[], done: Done) {
    committer.commit(readings, (error) => {
      if (error !== undefined) {
        metrics.storeErrors.inc({ store: store.kind });
        return failed(error, { topic: uplink.topic, refundTo: uplink.device.id }, done);
      }
      commits.succeeded();
      metrics.accepted.inc(readings.length);
      metrics.commitSeconds.observe((performance.now() - uplink.started) / 1000);
      options.onCommitted(readings.length);
      // Only a GNSS fix can say where a device is.
      if (uplink.parsed.stream !== 'gnss') return done(null);
      afterFix(uplink.source, readings, done);
    });
  }

  /** Decode, validate, enrich, commit; a bad message is dead-lettered and acknowledged. */
  function ingest(uplink: Uplink, done: Done): void {
    const { device, topic, payload } = uplink;
    let readings: StoredReading[];
    try {
      readings = decodeMessage(
        { device: uplink.source, stream: uplink.parsed.stream, payload },
        { nowMs: clock(), maxFutureMs: options.maxFutureMs },
      );
    } catch (error) {
      if (!isShambaError(error)) return failed(error, { topic, refundTo: device.id }, done);
      // Stored against the device that sent it (a gateway's relayed message: the gateway).
      return refuse({ device, topic, payload, error }, null, done);
    }
    commit(uplink, readings, done);
  }

  /** A gateway's relayed message is decoded and enriched as the device it speaks for. */
  function relayed(uplink: Uplink, done: Done) {
    const { device, parsed, topic, payload } = uplink;
    registry.devices.get(parsed.deviceId).then(
      (source) => {
        if (source !== undefined && source.coopId === device.coopId)
          return ingest({ ...uplink, source }, done);
        const error = new ShambaError(
          'UNKNOWN_DEVICE',
          `no device ${parsed.deviceId} in ${device.coopId}`,
        );
        const foldKey = `UNKNOWN_DEVICE:${device.id}`;
        refuse({ device, topic, payload, error, foldKey }, error, done);
      },
      (cause: unknown) => failed(cause, { topic, refundTo: device.id }, done),
    );
  }

  return function handlePublish(
    client: Client | null,
    packet: Pick<PublishPacket, 'topic' | 'payload'>,
    done: Done,
  ): void {
    const started = performance.now();
    const device = client === null ? undefined : options.deviceOf(client);
    if (device === undefined) {
      count('NOT_AUTHORIZED');
      return done(new ShambaError('NOT_AUTHORIZED', 'not connected as a device'));
    }
    const cut = options.overRate(device, 'PUBLISH');
    if (cut !== undefined) return done(cut);
    const { topic } = packet;
    const payload = packet.payload as Buffer; // a client's PUBLISH, as mqtt-packet parsed it
    const parsed = parseTopic(topic);
    // Only uplinks are ingested, whatever the hook allows.
    if (parsed?.kind !== 'up' || !options.authorize(device, parsed)) {
      const error = new ShambaError('NOT_AUTHORIZED', 'publish outside the device ACL');
      // One row per device however many topics and payloads it tries.
      const foldKey = `NOT_AUTHORIZED:${device.id}`;
      return refuse({ device, topic, payload, error, foldKey }, error, done);
    }
    const uplink: Uplink = { device, source: device, parsed, topic, payload, started };
    if (parsed.deviceId === device.id) return ingest(uplink, done);
    relayed(uplink, done);
  };
}
