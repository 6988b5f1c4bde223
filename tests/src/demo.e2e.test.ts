import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoopProduction } from '@shamba/analytics';
import { OROMIA_DEMO } from '@shamba/world';
import type { IrrigationPrescription, Prescription } from '@shamba/schemas';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

// The README's quick start: `shamba start --demo` must give every demo field a prescription
// within 60 seconds of starting, forecast its production, and stop cleanly on SIGTERM.
describe('shamba start --demo', () => {
  it(
    'serves a prescription for every demo field within a minute, and production by crop',
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
      const credentials = JSON.parse(
        await readFile(join(dir.path, 'demo', 'credentials.json'), 'utf8'),
      ) as {
        tokens: Record<string, string>;
        devices: Record<string, { username: string; password: string }>;
      };
      expect(Object.keys(credentials.tokens).sort()).toEqual([
        'admin',
        'agronomist',
        'farmer',
        'manager',
      ]);
      expect(Object.keys(credentials.devices)).toHaveLength(20);

      const latest = async (fieldId: string) => {
        const response = await fetch(`${apiUrl}/v1/fields/${fieldId}/prescriptions/latest`, {
          headers: { authorization: `Bearer ${credentials.tokens.manager}` },
        });
        return response.status === 200 ? ((await response.json()) as Prescription) : undefined;
      };
      const fieldIds = OROMIA_DEMO.fields.map((f) => f.id);
      let prescriptions: (Prescription | undefined)[] = [];
      while (Date.now() - startedMs < 60_000) {
        prescriptions = await Promise.all(fieldIds.map(latest));
        if (prescriptions.every((p) => p !== undefined)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(prescriptions.map((p) => p?.fieldId)).toEqual(fieldIds);
      // The scenario starts two plots dry and two wet; the sensors must tell them apart.
      expect(Object.fromEntries(prescriptions.map((p) => [p!.fieldId, p!.action]))).toEqual({
        'field-tolosa-maize': 'irrigate',
        'field-tolosa-teff': 'none',
        'field-almaz-maize': 'none',
        'field-chaltu-teff': 'irrigate',
      });
      // Chaltu's teff is watered by hand: not a refill nobody can carry, but the share of today's
      // 100 litres (5 cans) the household carries, and what is left short.
      const teff = prescriptions[fieldIds.indexOf('field-chaltu-teff')] as IrrigationPrescription;
      expect(teff.feasibility).toMatchObject({
        feasible: false,
        capacityPerDay: { amount: 5, unit: 'cans-20l' },
      });
      expect(teff.summary).toMatch(/^Irrigate Chaltu upper teff today as far as the supply allows/);

      // The archive scene the simulator wrote at start reaches the watch folder and the API.
      let indices: {
        scenes: { status: string }[];
        ndviSeries: { ndvi: number | null; quality: string }[];
      } = { scenes: [], ndviSeries: [] };
      while (Date.now() - startedMs < 60_000 && indices.scenes.length === 0) {
        const response = await fetch(`${apiUrl}/v1/fields/field-almaz-maize/indices`, {
          headers: { authorization: `Bearer ${credentials.tokens.manager}` },
        });
        indices = (await response.json()) as typeof indices;
        if (indices.scenes.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(indices.scenes.length).toBeGreaterThanOrEqual(1);
      expect(indices.ndviSeries[0]).toMatchObject({
        quality: expect.stringMatching(/observed|missing/) as unknown,
      });

      // Nitrogen for every demo field: a rate, or a reason (issue 15), never nothing.
      const nitrogen = async (fieldId: string) => {
        const response = await fetch(
          `${apiUrl}/v1/fields/${fieldId}/prescriptions/latest?kind=nitrogen`,
          { headers: { authorization: `Bearer ${credentials.tokens.manager}` } },
        );
        return response.status === 200
          ? ((await response.json()) as Extract<Prescription, { kind: 'nitrogen' }>)
          : undefined;
      };
      let rates: (Extract<Prescription, { kind: 'nitrogen' }> | undefined)[] = [];
      while (Date.now() - startedMs < 75_000) {
        rates = await Promise.all(fieldIds.map(nitrogen));
        if (rates.every((p) => p !== undefined)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(rates.map((p) => p?.fieldId)).toEqual(fieldIds);
      for (const p of rates) {
        expect(p!.action).not.toBe('insufficient-data');
        for (const zone of p!.zones) expect('nKgHa' in zone || zone.reason.length > 0).toBe(true);
      }

      // Production by crop from the first minutes (issue 15: it was 0 t for every crop): the demo
      // trains and promotes a small shared yield model in a worker, and every field is forecast
      // from what was known at sowing until the station's record covers its season.
      const production = async () => {
        const response = await fetch(`${apiUrl}/v1/coops/${OROMIA_DEMO.coop.id}/production`, {
          headers: { authorization: `Bearer ${credentials.tokens.manager}` },
        });
        return (await response.json()) as CoopProduction;
      };
      let byCrop = await production();
      while (Date.now() - startedMs < 120_000 && byCrop.withoutForecast.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        byCrop = await production();
      }
      expect(byCrop.withoutForecast).toEqual([]);
      expect(byCrop.modelVersion).not.toBeNull();
      expect(byCrop.crops.map((c) => c.crop)).toEqual(['maize', 'teff']);
      for (const crop of byCrop.crops) {
        expect(crop.forecastFields, crop.crop).toBe(crop.fields);
        expect(crop.productionT.p50, crop.crop).toBeGreaterThan(0);
        expect(crop.productionT.p90, crop.crop).toBeGreaterThan(crop.productionT.p10);
      }

      // The health report names the TF.js backend the analytics workers run models on.
      const health = (await (await fetch(`${apiUrl}/v1/health`)).json()) as {
        components: { worker: { detail: { tfBackend: string } } };
      };
      expect(['tensorflow', 'wasm', 'cpu']).toContain(health.components.worker.detail.tfBackend);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );
});
