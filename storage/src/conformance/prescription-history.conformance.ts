import type {
  IrrigationPrescription,
  NitrogenPrescription,
  Prescription,
  PrescriptionRevision,
} from '@shamba/schemas';
import { expect, it } from 'vitest';
import type { Registry } from '../ports/registry.js';

const base = (id: string, createdAtMs: number) => ({
  id,
  fieldId: 'f-1',
  coopId: 'coop-a',
  createdAtMs,
  asOfMs: createdAtMs,
  summary: '',
  parameters: {},
  provenance: {
    rule: { name: 'r', version: '1' },
    parameterSet: 'built-in',
    sceneId: null,
    forecastIssuedAt: null,
  },
  inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
  steps: [],
});
const revision = (number: number, previousId: string | null): PrescriptionRevision => ({
  number,
  previousId,
  reasons: [number === 1 ? 'first' : 'new readings'],
  changes: number === 1 ? [] : [{ what: 'grossDepthMm', from: number - 1, to: number }],
});
const water = (id: string, createdAtMs: number, rev: PrescriptionRevision) =>
  ({
    ...base(id, createdAtMs),
    kind: 'irrigation',
    action: 'irrigate',
    netDepthMm: rev.number,
    grossDepthMm: rev.number,
    volumeM3: 1,
    method: 'drip',
    revision: rev,
  }) satisfies IrrigationPrescription;
const nitrogen = (id: string, createdAtMs: number): NitrogenPrescription => ({
  ...base(id, createdAtMs),
  kind: 'nitrogen',
  action: 'none',
  nKgHa: 0,
  zones: [],
  revision: revision(1, null),
});

/** Every version of a field's prescriptions is kept, listed newest first, and paged. */
export function describePrescriptionHistory(registry: () => Registry): void {
  it('keeps every version of a prescription and lists them newest first, by kind and page', async () => {
    const w1 = water('w-1', 10, revision(1, null));
    const w2 = water('w-2', 20, revision(2, 'w-1'));
    // Made in the same millisecond as w-2 (two passes at once): still its own version, after it.
    const w3 = water('w-3', 20, revision(3, 'w-2'));
    const n1 = nitrogen('n-1', 15);
    const other = { ...water('x-1', 30, revision(1, null)), fieldId: 'f-2' };
    for (const p of [w1, n1, w2, w3, other]) await registry().prescriptions.add(p);

    const ids = (list: Prescription[]) => list.map((p) => p.id);
    expect(await registry().prescriptions.history('f-1')).toEqual([w3, w2, n1, w1]);
    expect(ids(await registry().prescriptions.history('f-1', { kind: 'irrigation' }))).toEqual([
      'w-3',
      'w-2',
      'w-1',
    ]);
    expect(ids(await registry().prescriptions.history('f-1', { limit: 2 }))).toEqual([
      'w-3',
      'w-2',
    ]);
    expect(ids(await registry().prescriptions.history('f-1', { before: 'w-2' }))).toEqual([
      'n-1',
      'w-1',
    ]);
    expect(
      ids(await registry().prescriptions.history('f-1', { kind: 'irrigation', before: 'w-2' })),
    ).toEqual(['w-1']);
    expect(await registry().prescriptions.history('f-1', { before: 'no-such-id' })).toEqual([]);
    expect(await registry().prescriptions.history('f-9')).toEqual([]);
    expect(await registry().prescriptions.get('w-2')).toEqual(w2);
    expect(await registry().prescriptions.get('no-such-id')).toBeUndefined();
    expect(await registry().prescriptions.latest('f-1', 'irrigation')).toEqual(w3);
  });

  it('replaces a version added again under its id, where it stands, never adding one', async () => {
    const w1 = water('w-1', 10, revision(1, null));
    const n1 = nitrogen('n-1', 10);
    await registry().prescriptions.add(w1);
    await registry().prescriptions.add(n1);
    // The same version made again (a pass's second step): one version, its new content.
    const again = { ...w1, summary: 'fused', grossDepthMm: 7 };
    await registry().prescriptions.add(again);
    expect(await registry().prescriptions.history('f-1')).toEqual([n1, again]);
    // It kept its place: the nitrogen one, stored after it at the same time, is still the newest.
    expect(await registry().prescriptions.latest('f-1')).toEqual(n1);
    expect(await registry().prescriptions.get('w-1')).toEqual(again);
  });
}
