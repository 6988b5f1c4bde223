import type { AedesOptions, AuthErrorCode, AuthenticateError, Client } from 'aedes';
import { truncateText } from '@shamba/schemas';
import type { DeviceRecord } from '@shamba/storage';
import { sourceOf } from '../auth/connect-guard.js';
import {
  CONNACK,
  type AuthResult,
  type AuthenticateHook,
  type AuthorizeSubscribeHook,
} from '../hooks/ingest-hooks.js';
import { MAX_FIELD_CHARS, errorText } from '../observability/refusal-log.js';
import type { BrokerContext } from './broker-context.js';
import type { RejectReason } from './ingest-stats.js';

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;
type SubscribeDone = Parameters<AuthorizeSubscribeHandler>[2];

const authFailure = (message: string, returnCode: AuthErrorCode): AuthenticateError =>
  Object.assign(new Error(message), { returnCode });

/**
 * Aedes' `authenticate` around the hook: a device accepted is remembered for the connection; a
 * refusal is counted, logged once a minute per source, and answered with the hook's CONNACK
 * code. A hook that fails (the registry is down) is answered 3, server unavailable.
 */
export function authenticateHandler(
  ctx: BrokerContext,
  authenticate: AuthenticateHook,
): AuthenticateHandler {
  // eslint-disable-next-line max-params -- Aedes' authenticate(client, username, password, done)
  return (client, username, password, done) => {
    const address = ctx.connections.addressOf(client) ?? 'unknown';
    authenticate({ clientId: client.id, username, password, address }).then(
      (result) => {
        if (!result.ok) return refuseConnect(ctx, { client, address, result, done });
        ctx.connections.authenticated(client, result.device);
        done(null, true);
      },
      (cause: unknown) => {
        const fields = { err: errorText(cause) };
        ctx.storeFailures.note(
          { source: 'registry', reason: 'authentication failed' },
          fields,
          'authentication failed',
        );
        done(authFailure('registry unavailable', CONNACK.SERVER_UNAVAILABLE), false);
      },
    );
  };
}

function refuseConnect(
  ctx: BrokerContext,
  refusal: {
    client: Client;
    address: string;
    result: Extract<AuthResult, { ok: false }>;
    done: Parameters<AuthenticateHandler>[3];
  },
) {
  const { client, address, result } = refusal;
  ctx.stats.connectRefused(result.returnCode);
  const clientId = truncateText(client.id, MAX_FIELD_CHARS);
  const fields = { clientId, address, code: result.returnCode };
  ctx.refusals.note(
    { source: sourceOf(address), reason: result.reason },
    fields,
    'CONNECT refused',
  );
  refusal.done(authFailure(result.reason, result.returnCode), false);
}

/**
 * Aedes' `authorizeSubscribe` around the hook, per filter: the device's rate first, then the
 * hook, then the cap on filters a connection holds. A filter refused gets 0x80 in the SUBACK
 * ([MQTT-3.9.3]); a client that keeps asking is cut (see createSubscriptionGuard).
 */
export function authorizeSubscribeHandler(
  ctx: BrokerContext,
  authorize: AuthorizeSubscribeHook,
): AuthorizeSubscribeHandler {
  const { connections, subscriptions } = ctx;
  return (client, subscription, done) => {
    const device = connections.deviceOf(client);
    if (device === undefined) return done(null, null);
    // Aedes still asks about the rest of a SUBSCRIBE after one filter cut the client.
    if (subscriptions.cut(client)) return done(new Error('client cut'), null);
    // A session restored at CONNECT (client.connecting, [MQTT-3.1.2.4]) is re-authorised here
    // too: it is at most the cap, and costs no tokens, or a flapping link would drain them.
    const cut = client.connected ? ctx.overRate(device, 'SUBSCRIBE') : undefined;
    if (cut !== undefined) return done(cut, null);
    const { topic } = subscription;
    if (!authorize(device, topic))
      return refuseFilter(ctx, { client, device, topic, reason: 'NOT_AUTHORIZED' }, done);
    if (!subscriptions.admit(client, topic))
      return refuseFilter(ctx, { client, device, topic, reason: 'TOO_MANY_SUBSCRIPTIONS' }, done);
    done(null, subscription);
  };
}

/** A SUBSCRIBE filter refused (SUBACK 0x80, [MQTT-3.9.3]); repeated abuse cuts the client. */
function refuseFilter(
  ctx: BrokerContext,
  refusal: { client: Client; device: DeviceRecord; topic: string; reason: RejectReason },
  done: SubscribeDone,
) {
  const { client, device, topic, reason } = refusal;
  ctx.stats.rejected(reason);
  const fields = { deviceId: device.id, topic: truncateText(topic, MAX_FIELD_CHARS) };
  ctx.refusals.note({ source: device.id, reason }, fields, 'subscription refused');
  if (!ctx.subscriptions.refuse(client)) return done(null, null);
  ctx.metrics.disconnected.inc({ limit: 'subscriptions' });
  done(new Error(`device ${device.id}: too many refused subscriptions`));
}
