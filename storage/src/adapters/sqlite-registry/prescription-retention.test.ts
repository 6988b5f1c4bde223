import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IrrigationPrescription } from '@shamba/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Registry } from '../../ports/registry.js';
import {
  MAX_PRESCRIPTION_PAGE,
  MAX_PRESCRIPTION_VERSIONS,
  PRESCRIPTION_PRUNE_BATCH,
} from './prescriptions.js';
import { createSqliteRegistry } from './sqlite-registry.js';

/** Version `n` of field f-1's irrigation; every `changedEvery`th changed the advice. */
const version = (n: number, changed: boolean): IrrigationPrescription => ({
  id: `v-${n}`,
  fieldId: 'f-1',
  coopId: 'coop-a',
  createdAtMs: n,
  asOfMs: n,
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
  kind: 'irrigation',
  action: 'irrigate',
  netDepthMm: n,
  grossDepthMm: n,
  volumeM3: 1,
  method: 'drip',
  revision: {
    number: n,
    previousId: n === 1 ? null : `v-${n - 1}`,
    reasons: ['new readings'],
    changes: changed ? [{ what: 'action', from: 'none', to: 'irrigate' }] : [],
  },
});

describe('prescription retention (SQLite)', () => {
  let dir: string;
  let registry: Registry;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shamba-rx-keep-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  });
  afterEach(async () => {
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every version's id, newest first, page by page. */
  async function allIds(): Promise<string[]> {
    const ids: string[] = [];
    for (;;) {
      const before = ids.at(-1);
      const page = await registry.prescriptions.history('f-1', {
        limit: MAX_PRESCRIPTION_PAGE,
        ...(before === undefined ? {} : { before }),
      });
      ids.push(...page.map((p) => p.id));
      if (page.length < MAX_PRESCRIPTION_PAGE) return ids;
    }
  }

  it('caps versions per field and kind, dropping the oldest restatements first', async () => {
    // Every tenth version changed the advice; the others restated it.
    const total = MAX_PRESCRIPTION_VERSIONS + 1;
    for (let n = 1; n <= total; n++) await registry.prescriptions.add(version(n, n % 10 === 0));
    // Another field's versions are not counted against f-1's.
    await registry.prescriptions.add({ ...version(1, false), id: 'other', fieldId: 'f-2' });

    const kept = await allIds();
    expect(kept).toHaveLength(MAX_PRESCRIPTION_VERSIONS - PRESCRIPTION_PRUNE_BATCH);
    // The first (number 1), every change of advice and the newest survive.
    const changes = Array.from({ length: total / 10 }, (_, i) => `v-${(i + 1) * 10}`);
    for (const id of ['v-1', `v-${total}`, ...changes]) expect(kept).toContain(id);
    // The restatements that went are the oldest ones: those kept are the newest of them.
    const restatements = Array.from({ length: total }, (_, i) => i + 1)
      .filter((n) => n !== 1 && n % 10 !== 0)
      .map((n) => `v-${n}`);
    const droppedCount = total - kept.length;
    expect(kept.filter((id) => restatements.includes(id)).sort()).toEqual(
      restatements.slice(droppedCount).sort(),
    );
    expect((await registry.prescriptions.history('f-2')).map((p) => p.id)).toEqual(['other']);
  });
});
