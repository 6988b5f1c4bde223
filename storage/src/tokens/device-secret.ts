import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets as the registry stores them (DeviceRecord.secretHash): 32 random bytes shown
 * once, kept only as `sha256$<base64url digest>`. The broker verifies them at CONNECT
 * (ingest's secrets.ts, which also reads the legacy scrypt form); they live here so that whoever
 * writes a device (the CLI, the dashboard's provisioning form) need not depend on the broker. A 256-bit random
 * secret needs no slow KDF: SHA-256's preimage resistance alone makes a leaked registry useless
 * (see ingest's secrets.ts for the full reasoning).
 */
const SHA256_PREFIX = 'sha256$';

const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** The hash stored for a device secret: `sha256$<base64url digest>`. */
export function deviceSecretHash(secret: string): string {
  return `${SHA256_PREFIX}${digest(secret).toString('base64url')}`;
}

/** A new device secret (256 random bits, base64url) and the hash to store for it. */
export function newDeviceSecret(): { secret: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, secretHash: deviceSecretHash(secret) };
}

/**
 * Whether `secret` is the one `secretHash` was made from, compared in constant time ([CWE-208]).
 * Only the SHA-256 form: the legacy scrypt hashes are the broker's to verify and rewrite.
 */
export function verifyDeviceSecret(secret: string, secretHash: string): boolean {
  if (!secretHash.startsWith(SHA256_PREFIX)) return false;
  const expected = Buffer.from(secretHash.slice(SHA256_PREFIX.length), 'base64url');
  const actual = digest(secret);
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
