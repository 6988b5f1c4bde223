import type { Coop, Farmer, Field } from '@shamba/schemas';
import type { DeviceRecord, Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** Who and what exists: cooperatives, farmers, fields and devices. */
export function sqliteDirectory({ prepare, docs, doc }: RegistryDb): Pick<
  Registry,
  'coops' | 'fields' | 'devices'
> & {
  farmers: Omit<Registry['farmers'], 'erase'>;
} {
  return {
    coops: {
      upsert: async (coop: Coop) => {
        prepare('INSERT OR REPLACE INTO coops (id, doc) VALUES (?, ?)').run(
          coop.id,
          JSON.stringify(coop),
        );
      },
      get: async (id) => doc<Coop>(prepare('SELECT doc FROM coops WHERE id = ?').get(id)),
      list: async () => docs<Coop>(prepare('SELECT doc FROM coops ORDER BY id').all()),
    },
    farmers: {
      upsert: async (farmer: Farmer) => {
        prepare('INSERT OR REPLACE INTO farmers (id, coop_id, phone, doc) VALUES (?, ?, ?, ?)').run(
          farmer.id,
          farmer.coopId,
          farmer.phone,
          JSON.stringify(farmer),
        );
      },
      get: async (id) => doc<Farmer>(prepare('SELECT doc FROM farmers WHERE id = ?').get(id)),
      list: async (coopId) =>
        docs<Farmer>(prepare('SELECT doc FROM farmers WHERE coop_id = ? ORDER BY id').all(coopId)),
      byPhone: async (phone) =>
        docs<Farmer>(prepare('SELECT doc FROM farmers WHERE phone = ? ORDER BY id').all(phone)),
    },
    fields: {
      upsert: async (field: Field) => {
        prepare(
          'INSERT OR REPLACE INTO fields (id, coop_id, farmer_id, doc) VALUES (?, ?, ?, ?)',
        ).run(field.id, field.coopId, field.farmerId, JSON.stringify(field));
      },
      get: async (id) => doc<Field>(prepare('SELECT doc FROM fields WHERE id = ?').get(id)),
      list: async (filter = {}) =>
        docs<Field>(
          prepare(
            `SELECT doc FROM fields WHERE (@coopId IS NULL OR coop_id = @coopId)
             AND (@farmerId IS NULL OR farmer_id = @farmerId) ORDER BY id`,
          ).all({ coopId: filter.coopId ?? null, farmerId: filter.farmerId ?? null }),
        ),
    },
    devices: {
      upsert: async (device: DeviceRecord) => {
        prepare(
          'INSERT OR REPLACE INTO devices (id, coop_id, field_id, doc) VALUES (?, ?, ?, ?)',
        ).run(device.id, device.coopId, device.fieldId, JSON.stringify(device));
      },
      get: async (id) => doc<DeviceRecord>(prepare('SELECT doc FROM devices WHERE id = ?').get(id)),
      list: async (filter = {}) =>
        docs<DeviceRecord>(
          prepare(
            `SELECT doc FROM devices WHERE (@coopId IS NULL OR coop_id = @coopId)
             AND (@fieldId IS NULL OR field_id = @fieldId) ORDER BY id`,
          ).all({ coopId: filter.coopId ?? null, fieldId: filter.fieldId ?? null }),
        ),
    },
  };
}
