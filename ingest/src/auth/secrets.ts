import { scrypt, timingSafeEqual } from 'node:crypto';
import { deviceSecretHash, newDeviceSecret, verifyDeviceSecret } from '@shamba/storage';

/**
 * Device secrets: 32 random bytes (256 bits), shown once at provisioning and stored only as
 * `sha256$<digest>`, as the API tokens are (storage's tokenDigest).
 *
 * Why not a slow KDF: scrypt, bcrypt and Argon2 make each guess at a low-entropy human password
 * expensive. A secret drawn from 2^256 values needs no such help: a leaked registry is useless
 * through SHA-256's preimage resistance alone, and guessing online is hopeless at any speed.
 * What a slow KDF did cost is real: tens of milliseconds of CPU per CONNECT, so a reconnect
 * storm after a restart stalled ingest, and a flood of wrong passwords, each costing a
 * verification, made real devices wait (issue 13, case 11). A SHA-256 of a secret costs a few
 * microseconds, against tens of milliseconds for the scrypt. It is unsalted because every
 * secret is unique and random already (a salt guards against precomputed tables of likely
 * passwords; there are no likely secrets).
 *
 * Registries written before keep `scrypt$N$r$p$salt$key` hashes (RFC 7914): those still verify,
 * and the broker rewrites a device's hash in the new form after its next good CONNECT.
 */
const KEY_BYTES = 32;

export function generateSecret(): string {
  return newDeviceSecret().secret;
}

/** `sha256$<base64url digest>` (storage's form). Async like the scrypt hash it replaced. */
export async function hashSecret(secret: string): Promise<string> {
  return deviceSecretHash(secret);
}

/** A hash in the form registries wrote before SHA-256 (slow to verify; rewrite it when verified). */
export function isLegacyHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

/** Compares in constant time ([CWE-208]: no early exit on the first differing byte). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  if (isLegacyHash(stored)) return verifyScrypt(secret, stored);
  return verifyDeviceSecret(secret, stored);
}

async function verifyScrypt(secret: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, key] = stored.split('$');
  if (salt === undefined || key === undefined) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // Parameters come from our own registry, but a corrupt row must not ask for gigabytes:
  // 2^14 with r=8 (16 MiB) was the most this project ever wrote.
  if (!(params.N <= 2 ** 14 && params.r <= 8 && params.p <= 4)) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      secret,
      Buffer.from(salt, 'base64url'),
      KEY_BYTES,
      { ...params, maxmem: 256 * params.N * params.r },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
