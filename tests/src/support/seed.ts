import { randomBytes } from 'node:crypto';
import type { Field, Principal } from '@shamba/schemas';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { tokenDigest, type Registry } from '@shamba/storage';

export const COOP = 'coop-test';

/** A small plot on loam: FC 0.25, WP 0.12, Zr 0.6 m, maize (p 0.55), furrow (Ea 0.6), 0.5 ha. */
export function testField(id: string, farmerId: string): Field {
  return {
    id,
    coopId: COOP,
    farmerId,
    name: id,
    crop: 'maize',
    plantingDate: '2026-07-01',
    areaHa: 0.5,
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [38.72, 7.93],
          [38.7207, 7.93],
          [38.7207, 7.9307],
          [38.72, 7.93],
        ],
      ],
    },
    soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
    rootDepthM: 0.6,
    irrigationMethod: 'furrow',
  };
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
  await registry.tokens.add(tokenDigest(token), principal);
  return token;
}
