import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OROMIA_DEMO, type Scenario } from '@shamba/world';
import type { Zone } from '@shamba/schemas';
import { createSqliteRegistry, type Registry } from '@shamba/storage';
import { seedScenario } from './seed-scenario.js';

const START = Date.UTC(2026, 6, 1);
const NOW = Date.UTC(2026, 6, 2);

/** The demo before its fourth field and one probe of the first existed. */
const EARLIER: Scenario = {
  ...OROMIA_DEMO,
  fields: OROMIA_DEMO.fields.filter((f) => f.id !== 'field-chaltu-teff'),
  devices: OROMIA_DEMO.devices.filter(
    (d) => d.fieldId !== 'field-chaltu-teff' && d.id !== 'probe-1-4',
  ),
};

describe('seeding the demo again (shamba start --demo after a restart)', () => {
  let dir: string;
  let registry: Registry;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shamba-seed-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  });
  afterEach(async () => {
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps what an agronomist changed; only new fields and devices get the scenario's", async () => {
    const previous = await seedScenario(registry, EARLIER, { atMs: START, nowMs: NOW });
    // The agronomist applies delineated zones to the maize plot (its probe moved by its GNSS
    // fix) and records the teff plot's pump.
    const maize = (await registry.fields.get('field-tolosa-maize'))!;
    const applied: Zone[] = [
      {
        id: 'field-tolosa-maize-z1',
        name: 'zone 1 (low vigour)',
        boundary: maize.boundary,
        areaHa: 1.1,
      },
    ];
    await registry.fields.upsert({ ...maize, zones: applied });
    const teff = (await registry.fields.get('field-tolosa-teff'))!;
    await registry.fields.upsert({ ...teff, pumpFlowM3h: 7 });
    const probe = (await registry.devices.get('probe-1-1'))!;
    await registry.devices.upsert({ ...probe, zoneId: 'field-tolosa-maize-z1' });

    // A restart a season later, with the earlier credentials.
    await seedScenario(registry, OROMIA_DEMO, {
      atMs: Date.UTC(2027, 2, 1),
      nowMs: NOW + 1000,
      previous,
    });

    const after = (await registry.fields.get('field-tolosa-maize'))!;
    expect(after).toEqual({ ...maize, zones: applied });
    expect((await registry.fields.get('field-tolosa-teff'))!.pumpFlowM3h).toBe(7);
    const zoneOf = async (id: string) => (await registry.devices.get(id))!.zoneId;
    expect(await zoneOf('probe-1-1')).toBe('field-tolosa-maize-z1');
    // Kept as stored (zones applied through the API move every probe of the field).
    expect(await zoneOf('probe-1-2')).toBe('tolosa-maize-sandy');
    // A new probe on the re-zoned field: its scenario zone is gone, so the zone under it.
    expect(await zoneOf('probe-1-4')).toBe('field-tolosa-maize-z1');
    // A new field, and its devices, as the scenario has them.
    const chaltu = (await registry.fields.get('field-chaltu-teff'))!;
    expect(chaltu.zones).toBeUndefined();
    expect(await zoneOf('probe-4-1')).toBeNull();
    expect(
      (await registry.devices.list({ fieldId: 'field-chaltu-teff' })).map((d) => d.id),
    ).toEqual(['probe-4-1', 'probe-4-2', 'probe-4-3', 'probe-4-4', 'wx-4']);
  });

  it("gives a first seeding the scenario's zones and probe zones", async () => {
    await seedScenario(registry, OROMIA_DEMO, { atMs: START, nowMs: NOW });
    const maize = (await registry.fields.get('field-tolosa-maize'))!;
    expect(maize.zones!.map((z) => z.id)).toEqual(['tolosa-maize-sandy', 'tolosa-maize-loam']);
    expect((await registry.devices.get('probe-1-4'))!.zoneId).toBe('tolosa-maize-loam');
  });
});
