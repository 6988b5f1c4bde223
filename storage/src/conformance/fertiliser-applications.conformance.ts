import type { NewFertiliserApplication } from '@shamba/schemas';
import { expect, it } from 'vitest';
import type { Registry } from '../ports/registry.js';

const application = (fieldId: string, date: string, nKgHa: number): NewFertiliserApplication => ({
  fieldId,
  coopId: 'coop-a',
  date,
  product: 'urea',
  amount: Math.round((nKgHa / 0.46) * 10) / 10,
  unit: 'kg-product-ha',
  nKgHa,
  recordedBy: { name: 'Agronomist A', role: 'agronomist' },
  recordedAtMs: Date.parse(`${date}T09:00:00Z`),
});

/**
 * Fertiliser applications: numbered, listed per field by date, kept across a reopen; run inside
 * describeRegistry, whose hooks open a registry for each test.
 */
export function describeFertiliserApplications(
  current: () => Registry,
  reopen: () => Promise<void>,
): void {
  it('numbers fertiliser applications and lists a field’s by date, across a reopen', async () => {
    const late = await current().fertiliserApplications.add(application('f-1', '2026-11-10', 46));
    const other = await current().fertiliserApplications.add(application('f-2', '2026-11-01', 23));
    const early = await current().fertiliserApplications.add({
      ...application('f-1', '2026-10-02', 18),
      product: 'manure',
      amount: 18,
      unit: 'kg-n-ha',
      note: 'basal, at sowing',
    });
    expect(new Set([late.id, other.id, early.id]).size).toBe(3);
    expect(late).toEqual({ ...application('f-1', '2026-11-10', 46), id: late.id });
    await reopen();
    expect(await current().fertiliserApplications.list('f-1')).toEqual([
      {
        ...application('f-1', '2026-10-02', 18),
        product: 'manure',
        amount: 18,
        unit: 'kg-n-ha',
        note: 'basal, at sowing',
        id: early.id,
      },
      { ...application('f-1', '2026-11-10', 46), id: late.id },
    ]);
    expect((await current().fertiliserApplications.list('f-2')).map((a) => a.nKgHa)).toEqual([23]);
    expect(await current().fertiliserApplications.list('f-3')).toEqual([]);
  });
}
