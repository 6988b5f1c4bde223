import { randomBytes, scryptSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret } from '@shamba/ingest';
import type { Registry } from '@shamba/storage';
import { COOP } from './support/seed.js';
import { startIngest } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

/** A hash as an older registry holds it (the scrypt hashSecret before SHA-256). */
function legacyScryptHash(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 32, { N: 2 ** 12, r: 8, p: 4 });
  return ['scrypt', 4096, 8, 4, salt.toString('base64url'), key.toString('base64url')].join('$');
}

async function addDevice(registry: Registry, id: string, secretHash: string) {
  await registry.devices.upsert({
    id,
    coopId: COOP,
    fieldId: null,
    zoneId: null,
    kind: 'soil-probe',
    secretHash,
  });
}

// Issue 13, case 11: wrong passwords from an unauthenticated stranger (device ids are not
// secret) must not slow a real device's CONNECT, nor make the broker verify each of them.
describe('a flood of wrong passwords', () => {
  it('refuses 240 parallel attackers and still connects a known-good device meanwhile', async () => {
    using dir = tempDir();
    await using ingest = await startIngest(dir.path);
    const url = ingest.url;
    const honestSecret = generateSecret();
    await addDevice(ingest.registry, 'honest', await hashSecret(honestSecret));
    const oldHash = legacyScryptHash(generateSecret());
    await addDevice(ingest.registry, 'old-probe', oldHash);
    const connect = (id: string, password: string) =>
      connectAsync(url, {
        protocolVersion: 4,
        clientId: id,
        username: id,
        password,
        reconnectPeriod: 0,
        connectTimeout: 60_000,
      });
    // The honest device has connected from this address before.
    await (await connect('honest', honestSecret)).endAsync();

    const before = rssMb();
    const targets = [
      ...Array<string>(120).fill('old-probe'), // each would cost an scrypt without the limits
      ...Array<string>(60).fill('honest'),
      ...Array.from({ length: 60 }, (_, i) => `no-such-${i}`),
    ];
    const attacks = targets.map((id) =>
      connect(id, generateSecret()).then(
        async (client) => {
          await client.endAsync();
          return 'connected';
        },
        (error: { code?: number }) => error.code,
      ),
    );
    const started = performance.now();
    const good = await connect('honest', honestSecret);
    console.log(`honest CONNECT during the flood: ${(performance.now() - started).toFixed(1)} ms`);
    expect(good.connected).toBe(true);
    const codes = await Promise.all(attacks);
    const tally = (code: number | string) => codes.filter((c) => c === code).length;
    console.log(`attackers: ${tally(4)} bad password, ${tally(5)} backoff, ${tally(3)} busy`);
    expect(tally('connected')).toBe(0);
    expect(tally(3) + tally(4) + tally(5)).toBe(240);
    expect(tally(5)).toBeGreaterThan(0); // the backoff refused some without verifying
    expect(ingest.broker.stats().connectsRefused).toBe(240);
    expect((await ingest.registry.devices.get('old-probe'))?.secretHash).toBe(oldHash);
    // The known-good device still publishes and gets its PUBACK.
    await good.publishAsync(`shamba/v1/${COOP}/honest/up/status`, Buffer.from('[]'), { qos: 1 });
    await good.endAsync();
    const after = rssMb();
    console.log(`wrong-password flood: RSS ${before} MB -> ${after} MB`);
    expect(after - before).toBeLessThan(64);
  });

  it('verifies an scrypt hash from an older registry once, then stores it as SHA-256', async () => {
    using dir = tempDir();
    await using ingest = await startIngest(dir.path);
    const secret = generateSecret();
    await addDevice(ingest.registry, 'old-probe', legacyScryptHash(secret));
    const options = { protocolVersion: 4 as const, reconnectPeriod: 0, clientId: 'old-probe' };
    await (
      await connectAsync(ingest.url, { ...options, username: 'old-probe', password: secret })
    ).endAsync();
    let stored = (await ingest.registry.devices.get('old-probe'))?.secretHash;
    for (let i = 0; i < 50 && stored?.startsWith('scrypt$') === true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = (await ingest.registry.devices.get('old-probe'))?.secretHash;
    }
    expect(stored).toBe(await hashSecret(secret));
    const again = await connectAsync(ingest.url, {
      ...options,
      username: 'old-probe',
      password: secret,
    });
    expect(again.connected).toBe(true);
    await again.endAsync();
    await expect(
      connectAsync(ingest.url, { ...options, username: 'old-probe', password: 'wrong' }),
    ).rejects.toMatchObject({ code: 4 });
  });
});
