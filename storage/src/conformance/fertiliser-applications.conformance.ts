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

  it("counts a field's applications between two dates, both included", async () => {
    for (const date of ['2025-12-31', '2026-01-01', '2026-06-30', '2026-12-31', '2027-01-01'])
      await current().fertiliserApplications.add(application('f-1', date, 10));
    await current().fertiliserApplications.add(application('f-2', '2026-03-01', 10));
    const count = (fieldId: string, fromDate: string, toDate: string) =>
      current().fertiliserApplications.count(fieldId, { fromDate, toDate });
    expect(await count('f-1', '2026-01-01', '2026-12-31')).toBe(3);
    expect(await count('f-1', '2000-01-01', '2099-12-31')).toBe(5);
    expect(await count('f-1', '2026-07-01', '2026-12-30')).toBe(0);
    expect(await count('f-2', '2026-01-01', '2026-12-31')).toBe(1);
    expect(await count('f-3', '2026-01-01', '2026-12-31')).toBe(0);
  });
}
