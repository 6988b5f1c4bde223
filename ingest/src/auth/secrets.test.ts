import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, verifySecret } from './secrets.js';

describe('device secrets', () => {
  it('verifies the secret it hashed and nothing else', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^scrypt\$4096\$8\$4\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret(secret, 'bcrypt$whatever')).toBe(false);
  });

  it('salts every hash', async () => {
    const secret = generateSecret();
    expect(await hashSecret(secret)).not.toBe(await hashSecret(secret));
    expect(generateSecret()).not.toBe(generateSecret());
  });
});
