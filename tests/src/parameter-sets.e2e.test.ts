import { describe, expect, it } from 'vitest';
import type { ParameterSet, Prescription } from '@shamba/schemas';
import { COOP, seedCoop, seedToken, startShamba, testField } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

// An agronomist tunes the cooperative's maize for its sandy soils; the next pass recomputes
// with the new version and says so, and the explanation names the set as the source.
describe('versioned parameter sets', () => {
  it('are published by agronomists only, validated, and used and recorded by the next prescription', async () => {
    using dir = tempDir();
    await using shamba = await startShamba(dir.path);
    const { registry, store } = shamba;
    await seedCoop(registry);
    await registry.fields.upsert(testField('field-1', 'f'));
    await registry.devices.upsert({
      id: 'probe-1',
      coopId: COOP,
      fieldId: 'field-1',
      zoneId: null,
      kind: 'soil-probe',
      secretHash: 'x',
    });
    const agronomist = await seedToken(registry, {
      role: 'agronomist',
      coopId: COOP,
      farmerId: null,
      name: 'Dr. Alemu',
    });
    const manager = await seedToken(registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'M',
    });
    const t = Math.floor(Date.now() / 900_000) * 900_000 - 900_000;
    // theta 0.19 over 0.6 m of loam: Dr = 1000 (0.25 - 0.19) 0.6 = 36 mm.
    await store.write([
      {
        deviceId: 'probe-1',
        stream: 'soil',
        timeMs: t,
        seq: 1,
        values: { vwc10: 0.19, vwc30: 0.19, vwc60: 0.19 },
        coopId: COOP,
        fieldId: 'field-1',
        zoneId: null,
        receivedMs: t,
      },
    ]);
    const post = (body: unknown, token = agronomist) =>
      fetch(`${shamba.api.url}/v1/coops/${COOP}/parameter-sets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const [before] = await shamba.prescriptions.runOnce();
    // Built-in maize p 0.55: RAW = 0.55 x 78 = 42.9 mm > Dr 36 mm: no water yet.
    expect([before!.action, before!.provenance.parameterSet]).toEqual(['none', 'built-in']);

    expect(
      (await post({ note: 'x', crops: { maize: { depletionFraction: 0.4 } } }, manager)).status,
    ).toBe(403);
    const typo = await post({ note: 'typo', crops: { maize: { depletionFraction: 55 } } });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { detail: string }).detail).toMatch(/depletionFraction/);
    expect((await post({ note: 'x', crops: { maiz: { ky: 1 } } })).status).toBe(400);

    const created = await post({
      note: 'Ziway sandy loams: maize stressed earlier (station trial 2025)',
      crops: { maize: { depletionFraction: 0.4 } },
    });
    expect(created.status).toBe(201);
    const set = (await created.json()) as ParameterSet;
    expect([set.version, set.author]).toEqual([1, 'Dr. Alemu']);

    // Same readings, new parameters: recomputed. RAW = 0.4 x 78 = 31.2 mm < Dr 36 mm: irrigate.
    const [after] = await shamba.prescriptions.runOnce();
    expect(after).toBeDefined();
    const p = after as Prescription;
    expect([p.action, p.provenance.parameterSet, p.parameters.depletionFraction]).toEqual([
      'irrigate',
      `${COOP}@1`,
      0.4,
    ]);
    expect(p.parameters.depletionFractionSource).toMatch(new RegExp(`parameter set ${COOP}@1`));
    expect(p.steps.find((s) => s.name === 'RAW')!.value).toBeCloseTo(31.2, 1);
    // Nothing new: no third prescription.
    expect(await shamba.prescriptions.runOnce()).toEqual([]);

    const list = await fetch(`${shamba.api.url}/v1/coops/${COOP}/parameter-sets`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(
      ((await list.json()) as { parameterSets: ParameterSet[] }).parameterSets.map(
        (s) => s.version,
      ),
    ).toEqual([1]);
  });
});
