import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { spawnShamba } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

// A box where another program holds the MQTT port: `shamba start` must say so and stop, not
// keep running with no broker and no API (issue 15's trial found it hanging on).
describe('shamba start on a port in use', () => {
  it.each(['--mqtt-port', '--api-port'])(
    'exits 1 naming EADDRINUSE when %s is taken, leaving nothing running',
    async (flag) => {
      using dir = tempDir();
      const squatter = createServer().listen(0, '127.0.0.1');
      await once(squatter, 'listening');
      const busy = (squatter.address() as AddressInfo).port;
      try {
        const ports = { '--mqtt-port': '0', '--api-port': '0', [flag]: String(busy) };
        await using child = spawnShamba([
          'start',
          '--data-dir',
          dir.path,
          ...Object.entries(ports).flat(),
        ]);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        // Everything it opened is closed: the process ends by itself (the test's timeout
        // fails it otherwise).
        const [code] = (await once(child, 'exit')) as [number | null];
        expect(code, stderr).toBe(1);
        expect(stderr).toMatch(new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${busy}`));
      } finally {
        squatter.close();
      }
    },
    30_000,
  );
});
