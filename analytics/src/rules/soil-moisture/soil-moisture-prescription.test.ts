import type { StoredReading } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { describe, expect, it } from 'vitest';
import { soilMoisturePrescription } from './soil-moisture-prescription.js';

// 1 ha of maize (p 0.55) on loam (FC 0.25, WP 0.12), Zr 0.6 m, furrow (Ea 0.6).
const field = fieldFixture();
const T = Date.UTC(2026, 8, 1, 6);
const soil = (
  deviceId: string,
  timeMs: number,
  vwc10: number,
  vwc30: number,
  vwc60: number,
): StoredReading => ({
  deviceId,
  stream: 'soil',
  timeMs,
  seq: 0,
  values: { vwc10, vwc30, vwc60 },
  coopId: 'coop-a',
  fieldId: 'field-1',
  zoneId: null,
  receivedMs: timeMs,
});

describe('soil-moisture refill rule', () => {
  it('asks for water once depletion passes RAW, with every step traceable', () => {
    const readings = [
      soil('probe-a', T - 3_600_000, 0.24, 0.24, 0.24), // older and wetter: superseded
      soil('probe-a', T, 0.15, 0.17, 0.2),
      soil('probe-b', T - 900_000, 0.17, 0.17, 0.22),
    ];
    const p = soilMoisturePrescription({
      field,
      readings,
      fromMs: T - 6 * 3_600_000,
      toMs: T + 1,
      createdAtMs: T + 5,
    });
    // theta_root = (0.16*0.20 + 0.17*0.25 + 0.21*0.15) / 0.6 = 0.17667
    // TAW = 1000*(0.25-0.12)*0.6 = 78; RAW = 0.55*78 = 42.9; Dr = 1000*(0.25-0.1767)*0.6 = 43.98
    expect(p.steps.map((s) => [s.name, s.value, s.source])).toEqual([
      ['theta_vwc10', 0.16, 'sensor readings'],
      ['theta_vwc30', 0.17, 'sensor readings'],
      ['theta_vwc60', 0.21, 'sensor readings'],
      ['theta_root', 0.1767, 'sensor readings'],
      ['TAW', 78, 'FAO-56 eq. 82'],
      ['RAW', 42.9, 'FAO-56 eq. 83'],
      ['Dr', 43.98, 'FAO-56 eq. 87'],
      ['net depth', 43.98, 'FAO-56 §8 irrigation scheduling'],
      ['gross depth', 73.3, 'FAO Irrigation Water Management Training Manual 4, §3.2'],
      ['volume', 733, 'unit conversion'],
    ]);
    expect(p).toMatchObject({
      id: `field-1:${T}:soil-moisture-refill@1.0.0`,
      action: 'irrigate',
      asOfMs: T,
      netDepthMm: 43.98,
      grossDepthMm: 73.3,
      volumeM3: 733,
      inputs: { readingCount: 2, deviceIds: ['probe-a', 'probe-b'] },
    });
    expect(p.summary).toBe(
      'Irrigate Lower maize: apply 73.3 mm by furrow (733 m3 for 1 ha). The root zone is 43.98 mm below field capacity; the crop is stressed beyond 42.9 mm.',
    );
  });

  it('holds off while depletion is under RAW', () => {
    const p = soilMoisturePrescription({
      field,
      readings: [soil('probe-a', T, 0.22, 0.23, 0.24)],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    // theta_root = (0.22*0.2 + 0.23*0.25 + 0.24*0.15)/0.6 = 0.22917; Dr = 1000*0.0208*0.6 = 12.48
    expect([p.action, p.netDepthMm, p.grossDepthMm, p.volumeM3]).toEqual(['none', 0, 0, 0]);
    expect(p.steps.find((s) => s.name === 'Dr')?.value).toBe(12.48);
  });

  it('uses only the layers inside a shallow root zone', () => {
    const shallow = { ...field, rootDepthM: 0.3 };
    const p = soilMoisturePrescription({
      field: shallow,
      readings: [soil('probe-a', T, 0.1, 0.2, 0.05)],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    // Layers 0-0.2 (w 0.2) and 0.2-0.3 (w 0.1); the 60 cm probe is below the roots.
    expect(p.steps.find((s) => s.name === 'theta_root')?.value).toBe(0.1333);
  });

  it('says so when there is nothing to go on', () => {
    const p = soilMoisturePrescription({
      field,
      readings: [],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    expect([p.action, p.inputs.readingCount, p.steps]).toEqual(['insufficient-data', 0, []]);
  });
});
