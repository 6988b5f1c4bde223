import Database from 'better-sqlite3';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { encodeSenml, upTopic } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';
import { COOP, seedDevice, startShamba } from './support/seed.js';
import { startIngest } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const reading = (deviceId: string, seq: number) =>
  Buffer.from(
    encodeSenml([
      { deviceId, stream: 'soil', timeMs: T + seq * 60_000, seq, values: { vwc10: 0.2 } },
    ]),
  );
const closed = (client: MqttClient) =>
  new Promise<void>((resolve) =>
    client.disconnected ? resolve() : client.once('close', () => resolve()),
  );

// Issue 13, case 15: a store that refuses commits (a full disk) is reported, the readings are
// not acknowledged, and the failures, being ours, cost the device none of its rate.
describe('a store that fails its commits', () => {
  it('gets no PUBACK, costs the device no tokens, and shows in the broker stats', async () => {
    using dir = tempDir();
    let broken = true;
    // A full disk: the stack's real SQLite store, with writes refused while `broken`.
    const store: TimeSeriesStore = {
      kind: 'sqlite',
      write: (readings) =>
        broken
          ? Promise.reject(new Error('database or disk is full'))
          : ingest.store.write(readings),
      query: (query) => ingest.store.query(query),
      scan: (scan) => ingest.store.scan(scan),
      ping: () => ingest.store.ping(),
      close: async () => undefined,
    };
    await using ingest = await startIngest(dir.path, {
      store,
      limits: { rate: { burst: 3, perSecond: 0.001 } },
    });
    const creds = await seedDevice(ingest.registry, 'probe', 'field-1');
    const connect = () =>
      connectAsync(ingest.url, {
        protocolVersion: 4,
        clientId: 'probe',
        ...creds,
        reconnectPeriod: 0,
      });
    let acked = 0;
    for (let seq = 0; seq < 5; seq++) {
      const client = await connect();
      const gone = closed(client);
      client.publish(
        upTopic(COOP, 'probe', 'soil'),
        reading('probe', seq),
        { qos: 1 },
        () => acked++,
      );
      await gone;
    }
    expect(acked).toBe(0);
    const failed = ingest.broker.stats().commits;
    expect(failed).toMatchObject({ lastCommitMs: null, failuresLastMinute: 5, failing: true });
    broken = false;
    // The whole burst of 3 is still the device's: none of the 5 failed commits took a token.
    const client = await connect();
    for (let seq = 10; seq < 13; seq++)
      await client.publishAsync(upTopic(COOP, 'probe', 'soil'), reading('probe', seq), { qos: 1 });
    expect(
      await ingest.store.query({ deviceIds: ['probe'], fromMs: T, toMs: T + 3_600_000 }),
    ).toHaveLength(3);
    expect(ingest.broker.stats().commits).toMatchObject({ failuresLastMinute: 5, failing: false });
    const gone = closed(client);
    client.publish(upTopic(COOP, 'probe', 'soil'), reading('probe', 13), { qos: 1 });
    await gone; // the fourth is over the burst
    expect(ingest.broker.stats().messagesRejected.RATE_LIMITED).toBe(1);
  });

  it(
    'reports the store down on /v1/health while its commits fail, and up once they succeed',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      await using shamba = await startShamba(dir.path);
      const creds = await seedDevice(shamba.registry, 'probe', 'field-1');
      const health = async () => {
        const response = await fetch(`${shamba.api.url}/v1/health`);
        const body = (await response.json()) as {
          components: { store: { status: string; detail: Record<string, unknown> } };
        };
        return { status: response.status, store: body.components.store };
      };
      expect((await health()).store.status).toBe('up');
      // A second connection to the real SQLite inbox makes every insert fail, as a full disk does.
      const inbox = join(dir.path, 'timeseries.inbox.sqlite');
      const second = new Database(inbox);
      const sql = (statement: string) => second.exec(statement);
      sql(`CREATE TRIGGER disk_full BEFORE INSERT ON readings_inbox
           BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
      const connect = () =>
        connectAsync(shamba.mqttUrl, {
          protocolVersion: 4,
          clientId: 'probe',
          ...creds,
          reconnectPeriod: 0,
        });
      const client = await connect();
      const gone = closed(client);
      client.publish(upTopic(COOP, 'probe', 'soil'), reading('probe', 0), { qos: 1 });
      await gone;
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.store).toMatchObject({
        status: 'down',
        detail: { kind: 'sqlite', failuresLastMinute: 1, failing: true },
      });
      sql('DROP TRIGGER disk_full;');
      second.close();
      const again = await connect();
      await again.publishAsync(upTopic(COOP, 'probe', 'soil'), reading('probe', 1), { qos: 1 });
      await again.endAsync();
      const up = await health();
      expect(up.store).toMatchObject({ status: 'up', detail: { failing: false } });
    },
  );
});
