import { createConnection } from 'node:net';
import { MqttClient, connectAsync, type IClientOptions } from 'mqtt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { legacyScryptHash } from '@shamba/ingest/testing';
import type { Registry } from '@shamba/storage';
import { COOP } from './support/seed.js';
import { startIngest } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

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

/**
 * CONNECTs to the broker on 127.0.0.1 from the loopback address `from` (all of 127.0.0.0/8 is
 * the loopback interface), so a test can play a device and an attacker at different addresses.
 * Resolves with the connected client; rejects with the CONNACK refusal (its `code`).
 */
function connectFrom(from: string, port: number, id: string, password: string) {
  const options: IClientOptions = {
    protocolVersion: 4,
    clientId: id,
    username: id,
    password,
    reconnectPeriod: 0,
    connectTimeout: 60_000,
  };
  const client = new MqttClient(
    () => createConnection({ host: '127.0.0.1', port, localAddress: from }),
    options,
  );
  return new Promise<MqttClient>((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** The CONNACK code a CONNECT got: 'connected' (then closed), or the refusal's return code. */
const outcome = (attempt: Promise<MqttClient>) =>
  attempt.then(
    async (client) => {
      await client.endAsync();
      return 'connected' as const;
    },
    (error: { code?: number }) => error.code,
  );

const ATTACKER = '127.0.0.2';
const DEVICE = '127.0.0.1';

// Issue 13, case 11: wrong passwords from an unauthenticated stranger (device ids are not
// secret) must not slow a real device's CONNECT, nor make the broker verify each of them.
describe('a flood of wrong passwords', () => {
  it('never locks a device out with its own id: an attacker failing under it once a minute, from another address', async () => {
    using dir = tempDir();
    let nowMs = Date.now();
    await using ingest = await startIngest(dir.path, { clock: () => nowMs });
    const { port } = ingest.broker;
    const secret = generateSecret();
    await addDevice(ingest.registry, 'probe-1', await hashSecret(secret));
    const results: Record<string, (number | string | undefined)[]> = { attacker: [], device: [] };
    for (let minute = 0; minute < 5; minute++) {
      // Enough wrong secrets under the device's id to reach the longest backoff, and one more
      // each minute as the backoff ends: what kept a real device out indefinitely.
      const tries = minute === 0 ? 12 : 1;
      for (let i = 0; i < tries; i++)
        results.attacker!.push(
          await outcome(connectFrom(ATTACKER, port, 'probe-1', generateSecret())),
        );
      // The real device, never seen before from its address (a restart, a new cellular address).
      results.device!.push(await outcome(connectFrom(DEVICE, port, 'probe-1', secret)));
      nowMs += 60_000;
    }
    expect(results).toEqual({
      // Five wrong secrets checked (4: bad password), then the address is refused unread (5).
      attacker: [4, 4, 4, 4, 4, ...Array<number>(7).fill(5), 4, 4, 4, 4],
      device: Array<string>(5).fill('connected'),
    });
  });

  it('logs a stranger once a minute by its address, whatever client id each connection uses (case 20)', async () => {
    using dir = tempDir();
    type Line = { msg?: string; address?: string; reason?: string };
    const lines: Line[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
    );
    await using ingest = await startIngest(dir.path, { logger });
    for (let i = 0; i < 50; i++)
      await outcome(connectFrom(ATTACKER, ingest.broker.port, `stranger-${i}`, 'guess'));
    // One line per kind of refusal, however many connections and ids: the client errors were
    // once one line per connection (Aedes' id is per connection, and chosen by the client).
    expect(lines.filter((l) => l.msg === 'client error')).toEqual([
      expect.objectContaining({ address: ATTACKER, reason: 'client error' }),
    ]);
    expect(lines.filter((l) => l.msg === 'CONNECT refused').map((l) => l.reason)).toEqual([
      'unknown device',
      'too many failed attempts from this address',
    ]);
  });

  it('refuses 240 parallel attackers and still connects a known-good device meanwhile', async () => {
    using dir = tempDir();
    await using ingest = await startIngest(dir.path);
    const { port } = ingest.broker;
    const honestSecret = generateSecret();
    await addDevice(ingest.registry, 'honest', await hashSecret(honestSecret));
    const oldHash = legacyScryptHash(generateSecret());
    await addDevice(ingest.registry, 'old-probe', oldHash);

    const before = rssMb();
    const targets = [
      ...Array<string>(120).fill('old-probe'), // each would cost an scrypt without the limits
      ...Array<string>(60).fill('honest'),
      ...Array.from({ length: 60 }, (_, i) => `no-such-${i}`),
    ];
    const attacks = targets.map((id) => outcome(connectFrom(ATTACKER, port, id, generateSecret())));
    const good = await connectFrom(DEVICE, port, 'honest', honestSecret);
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
