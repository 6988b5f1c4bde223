import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writePubackInOne } from './mqtt-packet-settings.js';

/**
 * Run in a fresh process: the settings apply to an mqtt-packet not yet loaded, and this test
 * process has loaded one already (vitest's own dependencies do not, but other test files'
 * MQTT.js clients may share the worker).
 */
function probe(env: NodeJS.ProcessEnv) {
  const settings = fileURLToPath(new URL('./mqtt-packet-settings.ts', import.meta.url));
  const script = `
    import { createRequire } from 'node:module';
    import { tuneMqttPacket } from ${JSON.stringify(settings)};
    tuneMqttPacket();
    await import('aedes');
    const fromAedes = createRequire(createRequire(${JSON.stringify(settings)}).resolve('aedes'));
    const fromPacket = createRequire(fromAedes.resolve('mqtt-packet'));
    const packet = fromPacket('mqtt-packet');
    const debug = fromPacket('debug');
    const parserLog = debug('mqtt-packet:parser');
    parserLog('a parser message %o', { cmd: 'publish' });
    console.log(JSON.stringify({
      cacheNumbers: packet.writeToStream.cacheNumbers,
      enabled: parserLog.enabled,
      quiet: parserLog.length === 0 && !('useColors' in parserLog),
    }));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)), // the ingest package, which has aedes
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as {
    cacheNumbers: boolean;
    enabled: boolean;
    quiet: boolean;
  };
}

describe('tuneMqttPacket', () => {
  it('gives mqtt-packet do-nothing loggers and no message-id cache when DEBUG is unset', () => {
    expect(probe({ DEBUG: '' })).toEqual({ cacheNumbers: false, enabled: false, quiet: true });
  });

  it("keeps debug's own logger for a namespace DEBUG enables", () => {
    expect(probe({ DEBUG: 'mqtt-packet:*' })).toEqual({
      cacheNumbers: false,
      enabled: true,
      quiet: false,
    });
  });
});

describe('writePubackInOne', () => {
  const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
  const mqttPacket = createRequire(fromAedes.resolve('mqtt-packet'))('mqtt-packet') as {
    writeToStream: Parameters<typeof writePubackInOne>[0];
  };
  const original = mqttPacket.writeToStream;
  const fast = writePubackInOne(original);
  /** The bytes a packet puts on the wire, and the system writes they took. */
  const wire = async (
    write: typeof original,
    packets: { cmd: string; messageId?: number }[],
  ): Promise<{ bytes: number[]; writes: number }> => {
    const bytes: number[] = [];
    let writes = 0;
    const socket = new Writable({
      writev(chunks, done) {
        writes++;
        for (const { chunk } of chunks) bytes.push(...(chunk as Buffer));
        done();
      },
      write(chunk: Buffer, _encoding, done) {
        writes++;
        bytes.push(...chunk);
        done();
      },
    });
    for (const packet of packets) write(packet, socket);
    await new Promise((resolve) => setImmediate(resolve));
    return { bytes, writes };
  };

  it("puts the same bytes on the wire as mqtt-packet's, for any packet identifier", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 1, maxLength: 3 }),
        async (ids) => {
          const acks = ids.map((messageId) => ({ cmd: 'puback', messageId }));
          const ours = await wire(fast, acks);
          expect(ours.bytes).toEqual((await wire(original, acks)).bytes);
          expect(ours.writes).toBe(1); // a device's acknowledgements of one turn leave together
        },
      ),
    );
  });

  it('leaves every other packet to mqtt-packet', async () => {
    const others = [
      { cmd: 'pingresp' },
      { cmd: 'suback', messageId: 7, granted: [1, 128] },
      { cmd: 'pubrec', messageId: 9 },
      { cmd: 'puback', messageId: 0 }, // invalid: mqtt-packet's own handling
    ];
    for (const packet of others)
      expect(await wire(fast, [packet])).toEqual(await wire(original, [packet]));
  });
});
