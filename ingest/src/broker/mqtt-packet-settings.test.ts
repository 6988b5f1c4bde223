import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
