import { describe, expect, it } from 'vitest';
import { legacyScryptHash } from './legacy-scrypt-hash.js';
import { generateSecret, hashSecret, isLegacyHash, verifySecret } from './secrets.js';

describe('device secrets', () => {
  it('stores a SHA-256 digest that verifies the secret and nothing else', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^sha256\$[\w-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(isLegacyHash(stored)).toBe(false);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
    expect(await verifySecret(secret, 'bcrypt$whatever')).toBe(false);
    expect(await verifySecret(secret, 'sha256$short')).toBe(false);
  });

  it('still verifies the scrypt hashes older registries hold', async () => {
    const secret = generateSecret();
    const stored = legacyScryptHash(secret);
    expect(isLegacyHash(stored)).toBe(true);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(generateSecret(), stored)).toBe(false);
    // A corrupt row asking for a huge cost is refused, not run.
    expect(await verifySecret(secret, stored.replace('scrypt$4096$', 'scrypt$1048576$'))).toBe(
      false,
    );
  });

  it('gives every device its own secret', () => {
    expect(generateSecret()).not.toBe(generateSecret());
    expect(generateSecret()).toMatch(/^[\w-]{43}$/);
  });
});
