import { randomBytes, scryptSync } from 'node:crypto';

/**
 * A hash as registries written before SHA-256 hold it: the old hashSecret's
 * `scrypt$N$r$p$salt$key` with N=2^12, r=8, p=4 (RFC 7914). For tests of the upgrade path only.
 */
export function legacyScryptHash(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 32, { N: 2 ** 12, r: 8, p: 4 });
  return ['scrypt', 4096, 8, 4, salt.toString('base64url'), key.toString('base64url')].join('$');
}
