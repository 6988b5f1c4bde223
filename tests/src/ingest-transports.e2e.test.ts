import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { seedScenario } from '@shamba/cli';
import { createSimulation } from '@shamba/firmware-sim';
import { OROMIA_DEMO } from '@shamba/world';
import type { DeviceMovedEvent } from '@shamba/ingest';
import { DAY_MS, encodeSenml, eventTopic, upTopic } from '@shamba/schemas';
import { COOP, seedDevice } from './support/seed.js';
import { startIngest } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

describe('MQTT over WebSocket and TLS', () => {
  it('ingests over ws:// and mqtts:// (a certificate the test makes itself)', async () => {
    using dir = tempDir();
    const [cert, key] = [join(dir.path, 'cert.pem'), join(dir.path, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    await using ingest = await startIngest(dir.path, {
      wsPort: 0,
      tls: { port: 0, cert: readFileSync(cert), key: readFileSync(key) },
    });
    const creds = await seedDevice(ingest.registry, 'probe-ws', 'field-1');
    const urls = [
      `ws://127.0.0.1:${ingest.broker.wsPort}/mqtt`,
      `mqtts://127.0.0.1:${ingest.broker.tlsPort}`,
    ];
    for (const [i, url] of urls.entries()) {
      const client = await connectAsync(url, {
        protocolVersion: 4,
        clientId: 'probe-ws',
        ...creds,
        reconnectPeriod: 0,
        ca: readFileSync(cert),
      });
      const payload = encodeSenml([
        {
          deviceId: 'probe-ws',
          stream: 'soil',
          timeMs: T + i * 1000,
          seq: i,
          values: { vwc10: 0.2 + i / 100 },
        },
      ]);
      await client.publishAsync(upTopic(COOP, 'probe-ws', 'soil'), Buffer.from(payload), {
        qos: 1,
      });
      await client.endAsync();
    }
    const stored = await ingest.store.query({ deviceIds: ['probe-ws'], fromMs: T, toMs: T + 2000 });
    expect(stored.map((r) => r.values.vwc10)).toEqual([0.2, 0.21]);
  });
});

describe('an oversize packet over WebSocket', () => {
  it('is recorded against the device that sent it, as over TCP (case 18)', async () => {
    using dir = tempDir();
    await using ingest = await startIngest(dir.path, { wsPort: 0 });
    const creds = await seedDevice(ingest.registry, 'probe-ws', 'field-1');
    const topic = upTopic(COOP, 'probe-ws', 'soil');
    const send = async (bytes: number) => {
      const client = await connectAsync(`ws://127.0.0.1:${ingest.broker.wsPort}/mqtt`, {
        protocolVersion: 4,
        clientId: 'probe-ws',
        ...creds,
        reconnectPeriod: 0,
      });
      const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(topic, Buffer.alloc(bytes, 0x20), { qos: 1 });
      await gone;
      return ingest.registry.deadLetters.list({ deviceId: 'probe-ws' });
    };
    // Read by the packet scanner: its type and size are known. (MQTT.js sends a packet's fixed
    // header in a WebSocket message of its own, so the topic had not arrived yet.)
    expect(await send(20_000)).toMatchObject([
      {
        code: 'PACKET_TOO_LARGE',
        topic: 'mqtt:PUBLISH',
        reason: `PUBLISH of ${1 + 3 + 2 + topic.length + 2 + 20_000} bytes, over the 16384-byte limit`,
        count: 1,
      },
    ]);
    // Each retry is counted in the same row.
    expect(await send(100_000)).toMatchObject([
      {
        code: 'PACKET_TOO_LARGE',
        topic: 'mqtt:PUBLISH',
        reason: `PUBLISH of ${1 + 3 + 2 + topic.length + 2 + 100_000} bytes, over the 16384-byte limit`,
        count: 2,
      },
    ]);
    expect(ingest.broker.stats().messagesRejected.PACKET_TOO_LARGE).toBe(2);
  });
});

describe('device.moved', () => {
  it(
    "is raised once when a probe's GNSS fix leaves its field, and uplinks reach no subscriber",
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      await using ingest = await startIngest(dir.path, {
        limits: { rate: { burst: 1000, perSecond: 1000 } },
      });
      const credentials = await seedScenario(ingest.registry, OROMIA_DEMO);
      const events: DeviceMovedEvent[] = [];
      ingest.broker.aedes.subscribe(
        eventTopic(OROMIA_DEMO.coop.id, 'device.moved'),
        (packet, done) => {
          events.push(JSON.parse(packet.payload.toString()) as DeviceMovedEvent);
          done();
        },
        () => undefined,
      );
      // The ingest consumes uplinks; Aedes does not forward them, even to the broker's own side.
      let uplinksForwarded = 0;
      ingest.broker.aedes.subscribe(
        'shamba/v1/+/+/up/#',
        (_packet, done) => {
          uplinksForwarded++;
          done();
        },
        () => undefined,
      );
      const startMs = Math.floor((Date.now() - 3 * DAY_MS) / 900_000) * 900_000;
      await using sim = createSimulation({
        scenario: OROMIA_DEMO,
        brokerUrl: ingest.url,
        credentials: credentials.devices,
        startMs,
        stateDir: join(dir.path, 'sim'),
        devices: 15,
      });
      for (let i = 0; i < 4 * 36; i++) {
        sim.tick();
        if (i % 8 === 7) await sim.drained();
      }
      await sim.drained();
      const stored = await ingest.store.query({ fromMs: startMs, toMs: Date.now() });
      expect(stored.length).toBeGreaterThan(1000);
      expect(uplinksForwarded).toBe(0);
      // probe-3-4 is carried 1.4 km off on day 1 (oromia-demo.json); nobody else moves.
      expect(events.map((e) => e.deviceId)).toEqual(['probe-3-4']);
      expect(events[0]).toMatchObject({ fieldId: 'field-almaz-maize' });
      expect(events[0]!.distanceM).toBeGreaterThan(1000);
      expect(events[0]!.timeMs).toBeGreaterThanOrEqual(startMs + DAY_MS);
    },
  );
});
