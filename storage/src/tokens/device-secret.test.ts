import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDeviceSecret, verifyDeviceSecret } from './device-secret.js';

describe('device secrets', () => {
  it('stores the SHA-256 the broker checks, and verifies only the secret it was made from', () => {
    const { secret, secretHash } = newDeviceSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    // The form @shamba/ingest's hashSecret writes and its verifySecret reads.
    expect(secretHash).toBe(
      `sha256$${createHash('sha256').update(secret).digest().toString('base64url')}`,
    );
    expect(verifyDeviceSecret(secret, secretHash)).toBe(true);
    expect(verifyDeviceSecret(`${secret}x`, secretHash)).toBe(false);
    expect(verifyDeviceSecret(secret, newDeviceSecret().secretHash)).toBe(false);
    expect(verifyDeviceSecret(secret, 'scrypt$16384$8$1$c2FsdA$a2V5')).toBe(false);
  });
});
