import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { downTopic, encodeSenml, upTopic } from '@shamba/schemas';
import { startIngest, type IngestStack } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const COOP_A = 'coop-a';
const COOP_B = 'coop-b';
const NOW_MS = Date.now();
const T = Math.floor(NOW_MS / 1000) * 1000 - 3_600_000;
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

// A hostile device of one cooperative (issue 13, cases 8, 9, 10, 18 and 20): each attack is
// refused, the broker keeps serving an honest device, memory stays bounded, the log stays
// short, and the other cooperative's dead letters are untouched.
describe('a hostile device against the ingest', () => {
  const dir = tempDir();
  const logLines: string[] = [];
  let ingest: IngestStack;
  let honest: MqttClient;
  let honestSeq = 0;
  const secrets: Record<string, string> = {};
  const coopOf: Record<string, string> = {};

  const connect = (id: string, extra: IClientOptions = {}) =>
    connectAsync(ingest.url, {
      protocolVersion: 4,
      clientId: id,
      username: id,
      password: secrets[id]!,
      reconnectPeriod: 0,
      ...extra,
    });
  const closed = (client: MqttClient) =>
    new Promise<void>((resolve) =>
      client.disconnected ? resolve() : client.once('close', () => resolve()),
    );
  const logged = (msg: string, deviceId: string) =>
    logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.msg === msg && l.deviceId === deviceId);
  const honestStillServed = async () => {
    const seq = honestSeq++;
    const reading = { deviceId: 'honest', stream: 'soil' as const, timeMs: T + seq * 60_000 };
    const payload = encodeSenml([{ ...reading, seq, values: { vwc10: 0.2 } }]);
    await honest.publishAsync(upTopic(COOP_A, 'honest', 'soil'), Buffer.from(payload), { qos: 1 });
    const stored = await ingest.store.query({
      deviceIds: ['honest'],
      fromMs: reading.timeMs,
      toMs: reading.timeMs + 1,
    });
    expect(stored).toHaveLength(1);
  };
  /** Coop A's dead letters, all of them. */
  const coopALetters = () => ingest.registry.deadLetters.list({ coopId: COOP_A, limit: 10_000 });

  beforeAll(async () => {
    ingest = await startIngest(dir.path, {
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
      limits: { rate: { burst: 60, perSecond: 1 } },
      // The broker's clock stands still: no token comes back while a test runs, so what a
      // device's bucket allows is exact.
      clock: () => NOW_MS,
    });
    const devices: [string, string][] = [
      ['honest', COOP_A],
      ['sloppy', COOP_A],
      ['subber', COOP_A],
      ['resubber', COOP_A],
      ['amplifier', COOP_A],
      ['hoarder', COOP_A],
      ['intruder', COOP_B],
    ];
    for (const [id, coopId] of devices) {
      secrets[id] = generateSecret();
      coopOf[id] = coopId;
      await ingest.registry.devices.upsert({
        id,
        coopId,
        fieldId: null,
        zoneId: null,
        kind: 'soil-probe',
        secretHash: await hashSecret(secrets[id]),
      });
    }
    honest = await connect('honest');
    // Coop A's own letters: 30 different out-of-range readings from one of its devices.
    const sloppy = await connect('sloppy');
    for (let i = 0; i < 30; i++) {
      const bad = `[{"bn":"sloppy:","bt":${T / 1000 + i},"n":"seq","v":${i}},{"n":"vwc10","u":"/","v":${2 + i}}]`;
      await sloppy.publishAsync(upTopic(COOP_A, 'sloppy', 'soil'), Buffer.from(bad), { qos: 1 });
    }
    await sloppy.endAsync();
    expect(await coopALetters()).toHaveLength(30);
  });
  afterAll(async () => {
    await honest?.endAsync();
    await ingest?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('caps subscriptions per client, keeps no refused one in the session, and cuts a client that keeps asking (cases 8, 20)', async () => {
    const before = rssMb();
    const lettersA = await coopALetters();
    const subber = await connect('subber', { clean: false });
    const granted: number[][] = [];
    subber.on('packetreceive', (packet) => {
      if (packet.cmd === 'suback') granted.push(packet.granted as number[]);
    });
    const filters = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => downTopic(COOP_A, 'subber', `cmd${from + i}`));
    const suback = () => new Promise((resolve) => subber.once('packetreceive', resolve));
    const first = suback();
    subber.subscribe(filters(0, 20), { qos: 1 }, () => undefined);
    await first;
    expect(granted).toEqual([[...Array<number>(16).fill(1), ...Array<number>(4).fill(128)]]);
    // Twelve more refusals reach the limit of 16; the thirteenth cuts the connection.
    const gone = closed(subber);
    subber.subscribe(filters(20, 20), { qos: 1 }, () => undefined);
    await gone;
    expect(granted).toHaveLength(1);
    expect(ingest.broker.stats().messagesRejected.TOO_MANY_SUBSCRIPTIONS).toBe(17);
    // The persistent session holds the 16 granted filters and nothing else.
    const persistence = (
      ingest.broker.aedes as unknown as {
        persistence: { subscriptionsByClient(c: { id: string }): Promise<{ topic: string }[]> };
      }
    ).persistence;
    const session = await persistence.subscriptionsByClient({ id: 'subber' });
    expect(session.map((s) => s.topic).sort()).toEqual(filters(0, 16).sort());
    // Back with the same session: the 16 come back (without costing rate), a 17th is refused.
    const again = await connect('subber', { clean: false });
    expect(again.connected).toBe(true);
    granted.length = 0;
    again.on('packetreceive', (packet) => {
      if (packet.cmd === 'suback') granted.push(packet.granted as number[]);
    });
    const answered = new Promise((resolve) => again.once('packetreceive', resolve));
    again.subscribe([filters(0, 1)[0]!, filters(40, 1)[0]!], { qos: 1 }, () => undefined);
    await answered;
    expect(granted).toEqual([[1, 128]]);
    await again.endAsync();
    expect(await persistence.subscriptionsByClient({ id: 'subber' })).toHaveLength(16);
    // One line for the refusals, none with a stack.
    expect(logged('subscription refused', 'subber')).toHaveLength(1);
    expect(logLines.filter((line) => line.includes('"stack"'))).toEqual([]);
    await honestStillServed();
    expect(await coopALetters()).toEqual(lettersA);
    const after = rssMb();
    console.log(`subscription flood: RSS ${before} MB -> ${after} MB`);
    expect(after - before).toBeLessThan(64);
  });

  it('rate-limits SUBSCRIBE like PUBLISH, with one log line (cases 8, 20)', async () => {
    const resubber = await connect('resubber');
    const gone = closed(resubber);
    const before = ingest.broker.stats().messagesRejected.RATE_LIMITED ?? 0;
    // The same allowed filter again and again: it never grows the session, but each costs.
    for (let i = 0; i < 200; i++)
      resubber.subscribe(downTopic(COOP_A, 'resubber', '#'), { qos: 1 });
    await gone;
    expect(ingest.broker.stats().messagesRejected.RATE_LIMITED).toBe(before + 1);
    expect(logged('device cut', 'resubber')).toHaveLength(1);
    expect(logLines.filter((line) => line.includes('"stack"'))).toEqual([]);
    await honestStillServed();
  });

  it('bounds a rejection reason amplified from a 16 KB payload, in the letter and the log (case 9)', async () => {
    const amplifier = await connect('amplifier');
    const records = Array.from({ length: 450 }, () => '{"n":"vwc10","u":"/","v":"wet!"}').join(',');
    const payload = Buffer.from(
      `[{"bn":"amplifier:","bt":${T / 1000},"n":"seq","v":1},${records}]`,
    );
    expect(payload.length).toBeGreaterThan(14_000);
    await amplifier.publishAsync(upTopic(COOP_A, 'amplifier', 'soil'), payload, { qos: 1 });
    await amplifier.endAsync();
    const [letter] = await ingest.registry.deadLetters.list({ deviceId: 'amplifier' });
    expect(letter).toMatchObject({ code: 'INVALID_PAYLOAD', payloadBytes: payload.length });
    // The first three of 450 issues (a reason listing all of them ran to 147 KB).
    const issue = (i: number) =>
      `✖ Invalid input: expected number, received string\n  → at [${i}].v`;
    expect(letter!.reason).toBe(
      `not a SenML pack: ${issue(1)}\n${issue(2)}\n${issue(3)} (and 447 more issues)`,
    );
    const [line] = logLines.filter((l) => l.includes('"deviceId":"amplifier"'));
    expect(line!.length).toBeLessThan(1500);
    await honestStillServed();
  });

  it("folds one device's refused publishes into one row, counts them against its rate, and leaves the other cooperative's letters alone (case 10)", async () => {
    const before = rssMb();
    const lettersA = await coopALetters();
    const rateLimited = ingest.broker.stats().messagesRejected.RATE_LIMITED ?? 0;
    const stolen = (seq: number) =>
      Buffer.from(
        encodeSenml([
          { deviceId: 'honest', stream: 'soil', timeMs: T - 1000, seq, values: { vwc10: 0.9 } },
        ]),
      );
    // Coop B's device pipelines publishes into coop A's topics, each different (so they fold
    // only by device), reconnecting each time it is cut.
    for (let round = 0; round < 90; round++) {
      const intruder = await connect('intruder');
      const gone = closed(intruder);
      for (let i = 0; i < 50; i++)
        intruder.publish(upTopic(COOP_A, 'honest', 'soil'), stolen(round * 50 + i), { qos: 1 });
      await gone;
    }
    const lettersB = await ingest.registry.deadLetters.list({ coopId: COOP_B });
    expect(lettersB).toHaveLength(1);
    expect(lettersB[0]).toMatchObject({
      deviceId: 'intruder',
      coopId: COOP_B,
      code: 'NOT_AUTHORIZED',
      topic: upTopic(COOP_A, 'honest', 'soil'),
    });
    // Each letter took a token, and the clock stands still: the burst of 60 and no more. Once
    // out of tokens the device is cut without a letter.
    expect(lettersB[0]!.count).toBe(60);
    expect(ingest.broker.stats().messagesRejected.RATE_LIMITED).toBeGreaterThan(rateLimited);
    expect(await coopALetters()).toEqual(lettersA);
    expect(
      await ingest.store.query({ deviceIds: ['honest'], fromMs: T - 1000, toMs: T - 999 }),
    ).toHaveLength(0);
    await honestStillServed();
    const after = rssMb();
    console.log(`refused-publish flood: RSS ${before} MB -> ${after} MB`);
    expect(after - before).toBeLessThan(64);
  });

  it('records a packet over 16 KiB against the device that sent it, one row however often it retries (case 18)', async () => {
    const lettersA = await coopALetters();
    const topic = upTopic(COOP_A, 'hoarder', 'soil');
    const huge = Buffer.alloc(20_000, 0x20);
    for (let i = 0; i < 3; i++) {
      const hoarder = await connect('hoarder');
      const gone = closed(hoarder);
      hoarder.publish(topic, huge, { qos: 1 });
      await gone;
    }
    const letters = await ingest.registry.deadLetters.list({ deviceId: 'hoarder' });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      deviceId: 'hoarder',
      coopId: COOP_A,
      topic,
      code: 'PACKET_TOO_LARGE',
      reason: `PUBLISH of ${1 + 3 + 2 + topic.length + 2 + 20_000} bytes, over the 16384-byte limit`,
      count: 3,
    });
    // The first bytes of the packet: the fixed header, the topic, the start of the payload.
    const head = Buffer.from(letters[0]!.payload);
    expect(head.length).toBe(4 + 256);
    expect(head.subarray(6, 6 + topic.length).toString()).toBe(topic);
    expect(ingest.broker.stats().messagesRejected.PACKET_TOO_LARGE).toBe(3);
    expect(logged('message dead-lettered', 'hoarder')).toHaveLength(1);
    // The other letters are untouched, apart from this one device's new row.
    expect((await coopALetters()).filter((l) => l.deviceId !== 'hoarder')).toEqual(lettersA);
    await honestStillServed();
  });
});
