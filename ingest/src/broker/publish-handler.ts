import { performance } from 'node:perf_hooks';
import type { Client } from 'aedes';
import type { Logger } from 'pino';
import {
  ShambaError,
  eventTopic,
  isShambaError,
  parseTopic,
  type ErrorCode,
  type Field,
  type ParsedTopic,
  type StoredReading,
} from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { mayPublish } from '../acl/topic-acl.js';
import { checkPosition, type DeviceMovedEvent } from '../events/device-moved.js';
import type { IngestMetrics } from '../metrics/ingest-metrics.js';
import type { DeadLetterWriter } from '../pipeline/dead-letter-writer.js';
import { decodeMessage } from '../pipeline/decode-message.js';
import type { createGroupCommitter } from '../pipeline/group-commit.js';
import type { createCommitTracker } from './commit-health.js';
import { errorText, type RefusalLog } from './refusal-log.js';

type Done = (error: Error | null) => void;

export interface PublishHandlerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  devices: WeakMap<Client, DeviceRecord>;
  clock: () => number;
  maxFutureMs: number;
  /** Takes the device's token for a PUBLISH; the error that cuts it when it has none left. */
  overRate: (device: DeviceRecord, packet: 'PUBLISH') => Error | undefined;
  /** Gives back the token of a message we failed to handle (the rate limiter's giveBack). */
  refund: (deviceId: string) => void;
  committer: ReturnType<typeof createGroupCommitter>;
  commits: ReturnType<typeof createCommitTracker>;
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
  const { registry, store, devices, clock, committer, commits, metrics, count } = options;
  // Devices known to be away from their field, so `device.moved` is raised once per departure.
  const away = new Set<string>();

  /** The store or the registry failed (our side): logged, not acknowledged, token returned. */
  function failed(cause: unknown, topic: string, done: Done, refundTo?: string) {
    commits.failed();
    if (refundTo !== undefined) options.refund(refundTo);
    options.storeFailures.note(
      'store',
      'commit failed',
      { topic, err: errorText(cause) },
      'commit failed; publish not acknowledged',
    );
    done(new ShambaError('STORE_UNAVAILABLE', 'commit failed', { cause }));
  }

  /**
   * Dead-letters a refused message, then answers Aedes with `reply`: the refusal (no PUBACK, the
   * device is disconnected) or null (acknowledged, so the device stops resending a bad message).
   * A dead letter that cannot be stored is a failed commit.
   */
  function refuse(
    device: DeviceRecord,
    letter: { topic: string; payload: Buffer; error: ShambaError; foldKey?: string },
    reply: Error | null,
    done: Done,
  ) {
    count(letter.error.code);
    options.deadLetters
      .write({
        deviceId: device.id,
        coopId: device.coopId,
        topic: letter.topic,
        code: letter.error.code,
        reason: letter.error.message,
        payload: letter.payload,
        ...(letter.foldKey === undefined ? {} : { foldKey: letter.foldKey }),
      })
      .then(
        () => done(reply),
        (cause: unknown) =>
          failed(cause, letter.topic, done, reply === null ? device.id : undefined),
      );
  }

  async function checkMoved(source: DeviceRecord, readings: readonly StoredReading[]) {
    const fix = readings.filter((r) => r.stream === 'gnss').at(-1);
    if (fix === undefined || source.fieldId === null) return;
    const field: Field | undefined = await registry.fields.get(source.fieldId);
    if (field === undefined) return;
    const moved: DeviceMovedEvent | undefined = checkPosition(fix, field);
    if (moved === undefined) {
      away.delete(source.id);
      return;
    }
    if (away.has(source.id)) return;
    away.add(source.id);
    options.logger.warn(moved, 'device moved away from its field');
    options.publishEvent(
      eventTopic(source.coopId, 'device.moved'),
      Buffer.from(JSON.stringify(moved)),
    );
  }

  /** Decode, validate, enrich, commit; a bad message is dead-lettered and acknowledged. */
  function ingest(
    device: DeviceRecord,
    source: DeviceRecord,
    parsed: ParsedTopic & { kind: 'up' },
    message: { topic: string; payload: Buffer; started: number },
    done: Done,
  ): void {
    const { topic, payload, started } = message;
    let readings: StoredReading[];
    try {
      readings = decodeMessage(source, parsed.stream, payload, {
        nowMs: clock(),
        maxFutureMs: options.maxFutureMs,
      });
    } catch (error) {
      if (!isShambaError(error)) return failed(error, topic, done, device.id);
      // Stored against the device that sent it (a gateway's relayed message: the gateway).
      return refuse(device, { topic, payload, error }, null, done);
    }
    committer.commit(readings, (error) => {
      if (error !== undefined) {
        metrics.storeErrors.inc({ store: store.kind });
        return failed(error, topic, done, device.id);
      }
      commits.succeeded();
      metrics.accepted.inc(readings.length);
      metrics.commitSeconds.observe((performance.now() - started) / 1000);
      options.onCommitted(readings.length);
      // Only a GNSS fix can say where a device is.
      if (parsed.stream !== 'gnss') return done(null);
      checkMoved(source, readings).then(
        () => done(null),
        (cause: unknown) => {
          const fields = { err: errorText(cause) };
          options.storeFailures.note(
            source.id,
            'position check failed',
            fields,
            'position check failed',
          );
          done(null);
        },
      );
    });
  }

  return function authorizePublish(
    client: Client | null,
    topic: string,
    payload: Buffer,
    done: Done,
  ): void {
    const started = performance.now();
    const device = client === null ? undefined : devices.get(client);
    if (device === undefined) {
      count('NOT_AUTHORIZED');
      return done(new ShambaError('NOT_AUTHORIZED', 'not connected as a device'));
    }
    const cut = options.overRate(device, 'PUBLISH');
    if (cut !== undefined) return done(cut);
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'up' || !mayPublish(device, parsed)) {
      const error = new ShambaError('NOT_AUTHORIZED', 'publish outside the device ACL');
      // One row per device however many topics and payloads it tries.
      const foldKey = `NOT_AUTHORIZED:${device.id}`;
      return refuse(device, { topic, payload, error, foldKey }, error, done);
    }
    const message = { topic, payload, started };
    if (parsed.deviceId === device.id) return ingest(device, device, parsed, message, done);
    // A gateway's relayed message is decoded and enriched as the device it speaks for.
    registry.devices.get(parsed.deviceId).then(
      (source) => {
        if (source !== undefined && source.coopId === device.coopId)
          return ingest(device, source, parsed, message, done);
        const error = new ShambaError(
          'UNKNOWN_DEVICE',
          `no device ${parsed.deviceId} in ${device.coopId}`,
        );
        const foldKey = `UNKNOWN_DEVICE:${device.id}`;
        refuse(device, { topic, payload, error, foldKey }, error, done);
      },
      (cause: unknown) => failed(cause, topic, done, device.id),
    );
  };
}
