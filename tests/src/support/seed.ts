import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createShamba, type Shamba, type ShambaOptions } from '@shamba/cli';
import { addDays } from '@shamba/agronomy';
import { DAY_MS, type Field, type Principal } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
  type StationDayWeather,
} from '@shamba/schemas/testing';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { tokenDigest, type Registry } from '@shamba/storage';

export const COOP = 'coop-test';

/** A small plot on loam: FC 0.25, WP 0.12, Zr 0.6 m, maize (p 0.55), furrow (Ea 0.6), 0.5 ha. */
export function testField(id: string, farmerId: string): Field {
  return fieldFixture({ id, coopId: COOP, farmerId, name: id, areaHa: 0.5 });
}

export async function seedDevice(registry: Registry, id: string, fieldId: string) {
  const password = generateSecret();
  await registry.devices.upsert({
    id,
    coopId: COOP,
    fieldId,
    zoneId: null,
    kind: 'soil-probe',
    secretHash: await hashSecret(password),
  });
  return { username: id, password };
}

export async function seedToken(registry: Registry, principal: Principal): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  // A day: longer than any test, short enough that a leaked test registry is harmless.
  await registry.tokens.add(tokenDigest(token), principal, {
    createdMs: Date.now(),
    expiresMs: Date.now() + DAY_MS,
  });
  return token;
}

/**
 * The whole system in this process on ports chosen by the OS, with one analytics worker, and
 * analytics passes left to the test (it calls `runOnce` itself).
 */
export function startShamba(
  dataDir: string,
  options: Partial<ShambaOptions> = {},
): Promise<Shamba> {
  return createShamba({
    dataDir,
    logger: pino({ level: 'silent' }),
    mqtt: { port: 0 },
    api: { port: 0 },
    workers: 1,
    analyticsIntervalMs: 3_600_000,
    ...options,
  });
}

/** The test cooperative (East Africa Time) with one farmer, `f`. */
export async function seedCoop(registry: Registry): Promise<void> {
  await registry.coops.upsert(coopFixture({ id: COOP, name: 'Test coop' }));
  await registry.farmers.upsert({
    id: 'f',
    coopId: COOP,
    name: 'F',
    phone: '+251911000001',
    language: 'om',
  });
}

/**
 * A cooperative weather station (on no field) with a full record, every 15 minutes, of each
 * local day (East Africa Time) from `from` for `days` days; `weather(d)` gives day d's weather.
 */
export async function seedStation(
  shamba: Pick<Shamba, 'registry' | 'store'>,
  { from, days, id = 'wx' }: { from: string; days: number; id?: string },
  weather: (day: number) => StationDayWeather,
): Promise<void> {
  await shamba.registry.devices.upsert(weatherStationFixture({ id, coopId: COOP }));
  const dates = Array.from({ length: days }, (_, d) => addDays(from, d));
  const readings = stationReadings(dates, {
    coopId: COOP,
    deviceId: id,
    utcOffsetMinutes: 180,
    weather,
  });
  await shamba.store.write(readings);
}
