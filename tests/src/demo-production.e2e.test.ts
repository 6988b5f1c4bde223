import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoopProduction } from '@shamba/analytics';
import { OROMIA_DEMO } from '@shamba/world';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

// Issue 15: on the README's demo the cooperative's production was 0 t for every crop. Started
// fresh, `shamba start --demo` trains and promotes a small shared yield model in a worker, and
// every field is forecast from what was known at sowing until the station's record covers it.
describe('shamba start --demo: production from the first minutes', () => {
  it(
    'forecasts production by crop, above zero, for every demo field',
    { timeout: 150_000 },
    async () => {
      using dir = tempDir();
      const startedMs = Date.now();
      await using child = spawnShamba([
        'start',
        '--demo',
        '--data-dir',
        dir.path,
        '--mqtt-port',
        '0',
        '--api-port',
        '0',
      ]);
      const [, apiUrl] = await waitForOutput(
        child,
        /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/,
        30_000,
      );
      const { tokens } = JSON.parse(
        await readFile(join(dir.path, 'demo', 'credentials.json'), 'utf8'),
      ) as { tokens: Record<string, string> };
      const production = async () => {
        const response = await fetch(`${apiUrl}/v1/coops/${OROMIA_DEMO.coop.id}/production`, {
          headers: { authorization: `Bearer ${tokens.manager}` },
        });
        return (await response.json()) as CoopProduction;
      };
      let body = await production();
      while (Date.now() - startedMs < 120_000 && body.withoutForecast.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        body = await production();
      }
      expect(body.withoutForecast).toEqual([]);
      expect(body.modelVersion).not.toBeNull();
      expect(body.crops.map((c) => c.crop)).toEqual(['maize', 'teff']);
      for (const crop of body.crops) {
        expect(crop.forecastFields, crop.crop).toBe(crop.fields);
        expect(crop.productionT.p50, crop.crop).toBeGreaterThan(0);
        expect(crop.productionT.p90, crop.crop).toBeGreaterThan(crop.productionT.p10);
      }
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );
});
