import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import area from '@turf/area';
import { deviceZoneId, seasonPlantingMs, type Scenario } from '@shamba/firmware-sim';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { FieldSchema, type Principal, type Role } from '@shamba/schemas';
import { tokenDigest, type Registry } from '@shamba/storage';

/** The shape of `<data dir>/demo/credentials.json` (issue 2). */
export interface DemoCredentials {
  tokens: Record<'admin' | 'manager' | 'agronomist' | 'farmer', string>;
  devices: Record<string, { username: string; password: string }>;
}

/**
 * Puts a scenario's cooperative, farmers, fields and devices into the registry, with a fresh
 * secret per device and an API token per role. Re-running it rotates every secret and token.
 */
export async function seedScenario(
  registry: Registry,
  scenario: Scenario,
  /** The moment the simulation starts: fields get the planting date of the season it is in. */
  options: { atMs: number } = { atMs: Date.now() },
): Promise<DemoCredentials> {
  const coopId = scenario.coop.id;
  await registry.coops.upsert(scenario.coop);
  for (const farmer of scenario.farmers) await registry.farmers.upsert(farmer);
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
    await registry.fields.upsert(
      FieldSchema.parse({
        ...spec,
        coopId,
        areaHa,
        plantingDate,
        elevationM: scenario.site.elevationM,
        ...(zones === undefined ? {} : { zones }),
      }),
    );
  }

  const devices: DemoCredentials['devices'] = {};
  await Promise.all(
    scenario.devices.map(async (device) => {
      const password = generateSecret();
      const secretHash = await hashSecret(password);
      await registry.devices.upsert({
        id: device.id,
        coopId,
        fieldId: device.fieldId,
        zoneId: deviceZoneId(scenario, device),
        kind: device.kind,
        secretHash,
      });
      devices[device.id] = { username: device.id, password };
    }),
  );

  const gateway = scenario.beidouGateway;
  if (gateway !== undefined) {
    const password = generateSecret();
    await registry.devices.upsert({
      id: gateway.id,
      coopId,
      fieldId: null,
      zoneId: null,
      kind: 'beidou-gateway',
      relayFor: scenario.devices.filter((d) => d.beidouCard !== undefined).map((d) => d.id),
      secretHash: await hashSecret(password),
    });
    devices[gateway.id] = { username: gateway.id, password };
  }

  const firstFarmer = scenario.farmers[0];
  const principals: Record<keyof DemoCredentials['tokens'], Principal> = {
    admin: principal('admin', null, null, 'Shamba administrator'),
    manager: principal('manager', coopId, null, `${scenario.coop.name} manager`),
    agronomist: principal('agronomist', coopId, null, `${scenario.coop.name} agronomist`),
    farmer: principal('farmer', coopId, firstFarmer?.id ?? null, firstFarmer?.name ?? 'farmer'),
  };
  const tokens = {} as DemoCredentials['tokens'];
  for (const [role, who] of Object.entries(principals) as [
    keyof DemoCredentials['tokens'],
    Principal,
  ][]) {
    const token = randomBytes(32).toString('base64url');
    await registry.tokens.add(tokenDigest(token), who);
    tokens[role] = token;
  }
  return {
    tokens,
    devices: Object.fromEntries(Object.entries(devices).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function principal(
  role: Role,
  coopId: string | null,
  farmerId: string | null,
  name: string,
): Principal {
  return { role, coopId, farmerId, name };
}

export async function writeCredentials(path: string, credentials: DemoCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Secrets: readable by the owner only.
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
