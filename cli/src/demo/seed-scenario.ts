import area from '@turf/area';
import { deviceZoneId, seasonPlantingMs, type Scenario } from '@shamba/world';
import { FieldSchema, type Field, type Principal } from '@shamba/schemas';
import type { DeviceRecord, Registry } from '@shamba/storage';
import {
  keepOrIssueSecret,
  keepOrIssueToken,
  type DemoCredentials,
  type DemoRole,
} from './demo-credentials.js';

export {
  readCredentials,
  writeCredentials,
  type DemoCredentials,
  type DemoRole,
} from './demo-credentials.js';

export interface SeedOptions {
  /** The moment the simulation starts: fields get the planting date of the season it is in. */
  atMs: number;
  /** The wall clock now, for token creation and expiry (default Date.now()). */
  nowMs?: number;
  /** What an earlier run wrote to credentials.json: kept where the registry still accepts it. */
  previous?: DemoCredentials;
}

/**
 * Puts a scenario's cooperative, farmers, fields and devices into the registry, with a secret per
 * device and an API token per role (labelled `demo:<role>`). Re-running it with the earlier
 * credentials keeps each secret and token the registry still accepts and replaces only the
 * others; older demo tokens are revoked, so there is one valid token per role.
 */
export async function seedScenario(
  registry: Registry,
  scenario: Scenario,
  options: SeedOptions = { atMs: Date.now() },
): Promise<DemoCredentials> {
  const coopId = scenario.coop.id;
  await registry.coops.upsert(scenario.coop);
  for (const farmer of scenario.farmers) await registry.farmers.upsert(farmer);
  const storedFields = new Map<string, Field>();
  for (const spec of scenario.fields) {
    // Geodesic area of the boundary (turf uses a spherical Earth: well under 0.5% off for plots).
    const areaHa = Math.round(area(spec.boundary) / 10) / 1000;
    // The season the simulation is in: scenarios give planting as an annual calendar date.
    const plantingDate = new Date(seasonPlantingMs(spec.plantingDate, options.atMs))
      .toISOString()
      .slice(0, 10);
    const zones = spec.zones?.map((z) => ({
      ...z,
      areaHa: Math.round(area(z.boundary) / 10) / 1000,
    }));
    // The schema keeps the registry's properties and drops the world's hidden ones.
    const fromScenario = FieldSchema.parse({
      ...spec,
      coopId,
      areaHa,
      plantingDate,
      elevationM: scenario.site.elevationM,
      ...(zones === undefined ? {} : { zones }),
    });
    // A field already in the registry is the agronomist's: what is stored (zones applied, a water
    // supply, ...) wins; the scenario only fills in what the stored field lacks.
    const stored = await registry.fields.get(spec.id);
    const field = stored === undefined ? fromScenario : { ...fromScenario, ...stored };
    storedFields.set(field.id, field);
    await registry.fields.upsert(field);
  }

  const previous = options.previous;
  const secretOf = (id: string) => {
    const password = previous?.devices[id]?.password;
    return typeof password === 'string' ? password : undefined;
  };
  const devices: DemoCredentials['devices'] = {};
  const gateway = scenario.beidouGateway;
  const asStored = scenarioWithZones(scenario, storedFields);
  const records: Omit<DeviceRecord, 'secretHash'>[] = await Promise.all(
    scenario.devices.map(async (device) => ({
      id: device.id,
      coopId,
      fieldId: device.fieldId,
      zoneId: await deviceZone(registry, { scenario: asStored, device }),
      kind: device.kind,
    })),
  );
  if (gateway !== undefined)
    records.push({
      id: gateway.id,
      coopId,
      fieldId: null,
      zoneId: null,
      kind: 'beidou-gateway',
      relayFor: scenario.devices.filter((d) => d.beidouCard !== undefined).map((d) => d.id),
    });
  await Promise.all(
    records.map(async (record) => {
      const { password, secretHash } = await keepOrIssueSecret(
        registry,
        record,
        secretOf(record.id),
      );
      await registry.devices.upsert({ ...record, secretHash });
      devices[record.id] = { username: record.id, password };
    }),
  );

  const firstFarmer = scenario.farmers[0];
  const principals: Record<DemoRole, Principal> = {
    admin: { role: 'admin', coopId: null, farmerId: null, name: 'Shamba administrator' },
    manager: { role: 'manager', coopId, farmerId: null, name: `${scenario.coop.name} manager` },
    agronomist: {
      role: 'agronomist',
      coopId,
      farmerId: null,
      name: `${scenario.coop.name} agronomist`,
    },
    farmer: {
      role: 'farmer',
      coopId,
      farmerId: firstFarmer?.id ?? null,
      name: firstFarmer?.name ?? 'farmer',
    },
  };
  const tokens = {} as DemoCredentials['tokens'];
  for (const [role, who] of Object.entries(principals) as [DemoRole, Principal][]) {
    const earlier = previous?.tokens[role];
    tokens[role] = await keepOrIssueToken(registry, {
      role,
      who,
      nowMs: options.nowMs ?? Date.now(),
      previous: typeof earlier === 'string' ? earlier : undefined,
    });
  }
  return {
    tokens,
    devices: Object.fromEntries(Object.entries(devices).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The scenario with each field's zones as the registry has them (an agronomist's, once applied). */
function scenarioWithZones(scenario: Scenario, fields: ReadonlyMap<string, Field>): Scenario {
  return {
    ...scenario,
    fields: scenario.fields.map((spec) => {
      const zones = fields.get(spec.id)?.zones;
      return zones === undefined ? spec : { ...spec, zones };
    }),
  };
}

/**
 * A device's zone: the stored one for a device already registered (zones applied moved it by its
 * GNSS fix); for a new device, the scenario's when the field still has that zone, else the
 * field's zone under its position.
 */
async function deviceZone(
  registry: Registry,
  options: { scenario: Scenario; device: Scenario['devices'][number] },
): Promise<string | null> {
  const { scenario, device } = options;
  const existing = await registry.devices.get(device.id);
  if (existing !== undefined) return existing.zoneId;
  const zoneId = deviceZoneId(scenario, device);
  const zones = scenario.fields.find((f) => f.id === device.fieldId)?.zones;
  if (zoneId === null || zones === undefined || zones.some((z) => z.id === zoneId)) return zoneId;
  return deviceZoneId(scenario, { ...device, zoneId: undefined });
}
