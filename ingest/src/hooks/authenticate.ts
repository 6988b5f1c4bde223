import type { Logger } from 'pino';
import type { DeviceRecord, Registry } from '@shamba/storage';
import { createConnectGuard, type ConnectGuard } from '../auth/connect-guard.js';
import { hashSecret, isLegacyHash, verifySecret } from '../auth/secrets.js';
import { createSemaphore } from '../limits/semaphore.js';
import {
  CONNACK,
  type AuthResult,
  type AuthenticateHook,
  type ConnackCode,
  type ConnectAttempt,
} from './ingest-hooks.js';

export interface DeviceAuthenticatorOptions {
  registry: Registry;
  logger: Logger;
  clock: () => number;
  guard?: ConnectGuard;
}

/**
 * Legacy scrypt verifications at once. scrypt runs on libuv's thread pool (4 threads by default)
 * beside file and DNS work; two leave the rest of the pool free. New-form hashes (one SHA-256)
 * need no slot.
 */
const LEGACY_CONCURRENCY = 2;
/**
 * Legacy verifications waiting at most. Each is tens of milliseconds of CPU (the old
 * parameters, N=2^12 r=8 p=4), so 64 over two slots is about a second of queue: a device past
 * it is told the server is busy (CONNACK 3) and retries, instead of the queue growing with a flood.
 */
const LEGACY_QUEUE = 64;

/**
 * The default `authenticate` hook, over the registry. A CONNECT for a device: the backoff of the
 * source address first (refused without a lookup), then the registry, the client id bound to
 * the device id, and the secret. A presented secret for a known device is always checked: a
 * SHA-256 costs microseconds, and refusing a right secret because of someone else's failures
 * would let a stranger lock a device out (ids are not secret). A device still holding an
 * scrypt hash (an older registry) is verified under a semaphore, and its hash is rewritten as
 * SHA-256 once verified, so it costs a slow verification only once. Anything not proven is
 * refused: no username, an unknown device, a client id that is not the device id, a wrong or
 * missing secret, a disabled device.
 */
export function createDeviceAuthenticator(options: DeviceAuthenticatorOptions): AuthenticateHook {
  const { registry, logger, clock } = options;
  const guard = options.guard ?? createConnectGuard({ clock });
  const legacy = createSemaphore({ limit: LEGACY_CONCURRENCY, maxQueue: LEGACY_QUEUE });
  const refuse = (returnCode: ConnackCode, reason: string): AuthResult => ({
    ok: false,
    returnCode,
    reason,
  });

  async function verify(address: string, stored: string, secret: string) {
    if (!isLegacyHash(stored)) return verifySecret(secret, stored);
    const slot = legacy.acquire();
    if (slot === undefined) return 'busy' as const;
    const release = await slot;
    try {
      // Others from this source may have failed while this one waited: look again before
      // paying for an scrypt.
      if (guard.blockedMs(address) > 0) return 'blocked' as const;
      return await verifySecret(secret, stored);
    } finally {
      release();
    }
  }

  /** Rewrites a verified device's scrypt hash as SHA-256, unless it was re-provisioned since. */
  async function upgrade(device: DeviceRecord, secret: string) {
    const current = await registry.devices.get(device.id);
    if (current?.secretHash !== device.secretHash) return;
    await registry.devices.upsert({ ...current, secretHash: await hashSecret(secret) });
    logger.info({ deviceId: device.id }, 'device secret hash upgraded from scrypt to SHA-256');
  }

  return async function authenticate(attempt: ConnectAttempt): Promise<AuthResult> {
    const { address } = attempt;
    if (guard.blockedMs(address) > 0)
      return refuse(CONNACK.NOT_AUTHORIZED, 'too many failed attempts from this address');
    const device =
      attempt.username === undefined ? undefined : await registry.devices.get(attempt.username);
    const failed = (returnCode: ConnackCode, reason: string) => {
      guard.failed(address);
      return refuse(returnCode, reason);
    };
    if (device === undefined) return failed(CONNACK.BAD_USERNAME_OR_PASSWORD, 'unknown device');
    // The client id is bound to the device identity: one session per device.
    if (attempt.clientId !== device.id)
      return failed(CONNACK.IDENTIFIER_REJECTED, 'client id must equal the device id');
    const secret = attempt.password?.toString('utf8') ?? '';
    const verdict = await verify(address, device.secretHash, secret);
    if (verdict === 'busy') return refuse(CONNACK.SERVER_UNAVAILABLE, 'verification queue full');
    if (verdict === 'blocked')
      return refuse(CONNACK.NOT_AUTHORIZED, 'too many failed attempts from this address');
    if (!verdict) return failed(CONNACK.BAD_USERNAME_OR_PASSWORD, 'wrong device secret');
    guard.succeeded(address);
    // A disabled device (the API's disable) is refused after its secret is checked, so only its
    // holder learns it is disabled; not counted as a failure, so a disabled device retrying
    // never backs off the other devices behind the same address (a gateway, a NAT).
    if (device.disabledMs != null) return refuse(CONNACK.NOT_AUTHORIZED, 'device disabled');
    if (isLegacyHash(device.secretHash))
      upgrade(device, secret).catch((error: unknown) =>
        logger.warn({ deviceId: device.id, err: error }, 'could not upgrade the secret hash'),
      );
    return { ok: true, device };
  };
}
