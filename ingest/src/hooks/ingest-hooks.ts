import type { ParsedTopic } from '@shamba/schemas';
import type { DeviceRecord } from '@shamba/storage';

/**
 * The broker's policy, as Aedes has it (`authenticate`, `authorizePublish`,
 * `authorizeSubscribe`): who a connection is, where it may publish, what it may subscribe to.
 * Each is an option of createIngestBroker; one left unset is the registry-backed default (see
 * default-hooks.ts), which allows only what it knows to be the device's own and denies the rest.
 *
 * The hooks decide; the broker does the rest around them: the per-device rate, the subscription
 * cap, counting, logging and dead-lettering each refusal.
 */
export interface IngestHooks {
  authenticate: AuthenticateHook;
  authorizePublish: AuthorizePublishHook;
  authorizeSubscribe: AuthorizeSubscribeHook;
}

// MQTT 3.1.1 CONNACK return codes (§3.2.2.3).
export const CONNACK = {
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;

export type ConnackCode = (typeof CONNACK)[keyof typeof CONNACK];

export interface ConnectAttempt {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  /** The remote address, or a stand-in when the transport does not tell. */
  address: string;
}

export type AuthResult =
  { ok: true; device: DeviceRecord } | { ok: false; returnCode: ConnackCode; reason: string };

/**
 * CONNECT: the device the connection proves to be, or the CONNACK code that refuses it. A
 * rejected promise is our failure, not the client's: it is answered 3 (server unavailable).
 */
export type AuthenticateHook = (attempt: ConnectAttempt) => Promise<AuthResult>;

/**
 * PUBLISH: whether `device` may publish to the topic, as `parseTopic` reads it (undefined: not
 * one of ours). Only uplinks are ingested, so anything else is refused whatever this says. A
 * refusal is dead-lettered once per device and cuts the connection, without a PUBACK.
 */
export type AuthorizePublishHook = (
  device: DeviceRecord,
  topic: ParsedTopic | undefined,
) => boolean;

/**
 * SUBSCRIBE: whether `device` may hold `topicFilter`. A refused filter gets 0x80 in the SUBACK
 * ([MQTT-3.9.3]). Uplinks are consumed by the ingest and never forwarded (see
 * patches/consume-uplinks.ts), so a filter over uplinks would receive nothing.
 */
export type AuthorizeSubscribeHook = (device: DeviceRecord, topicFilter: string) => boolean;

/** The identity a connection proved at CONNECT: what the topic ACL looks at. */
export interface DeviceIdentity {
  id: string;
  coopId: string;
  /** Devices a BeiDou gateway may speak for (see DeviceSchema.relayFor). */
  relayFor?: readonly string[] | undefined;
}
