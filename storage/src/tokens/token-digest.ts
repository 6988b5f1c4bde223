import { createHash } from 'node:crypto';

/**
 * API bearer tokens are stored and looked up by their SHA-256: tokens are 256-bit random
 * values, so a fast unsalted digest is enough to make a leaked registry useless.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
