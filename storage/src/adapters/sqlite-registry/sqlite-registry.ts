import { createHash } from 'node:crypto';
import type {
  Coop,
  Farmer,
  Field,
  ParameterSet,
  Prescription,
  Principal,
  WeatherForecast,
  YieldHistoryRow,
} from '@shamba/schemas';
import type { Statement } from 'better-sqlite3';
import { openDatabase } from '../../sqlite/open-database.js';
import type {
  DeadLetter,
  DeviceRecord,
  FieldSceneIndices,
  Registry,
  SceneRecord,
} from '../../ports/registry.js';

// Entities are stored as JSON documents beside the columns we filter on: the zod schemas in
// @shamba/schemas are the contract, and adding a property needs no migration.
const MIGRATIONS = [
  `CREATE TABLE coops (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
   CREATE TABLE farmers (id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, doc TEXT NOT NULL);
   CREATE TABLE fields (id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, farmer_id TEXT NOT NULL, doc TEXT NOT NULL);
   CREATE TABLE devices (id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, field_id TEXT, doc TEXT NOT NULL);
   CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, principal TEXT NOT NULL);
   CREATE TABLE prescriptions (
     id TEXT PRIMARY KEY, field_id TEXT NOT NULL, created_ms INTEGER NOT NULL, doc TEXT NOT NULL);
   CREATE INDEX prescriptions_by_field ON prescriptions (field_id, created_ms);
   CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     received_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
     device_id TEXT, coop_id TEXT, topic TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL,
     payload BLOB NOT NULL, digest TEXT NOT NULL UNIQUE, count INTEGER NOT NULL DEFAULT 1);`,
  `CREATE TABLE scenes (id TEXT PRIMARY KEY, acquired_ms INTEGER NOT NULL, doc TEXT NOT NULL);
   CREATE TABLE field_scene_indices (
     scene_id TEXT NOT NULL, field_id TEXT NOT NULL, acquired_ms INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (field_id, scene_id));`,
  `CREATE TABLE parameter_sets (
     coop_id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (coop_id, version));`,
  `CREATE TABLE yield_history (
     coop_id TEXT NOT NULL, season TEXT NOT NULL, field_id TEXT NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (coop_id, season, field_id));`,
  `CREATE TABLE weather_forecasts (
     coop_id TEXT PRIMARY KEY, issued_ms INTEGER NOT NULL, doc TEXT NOT NULL);`,
];

export interface SqliteRegistryOptions {
  /** The database file, e.g. `<data dir>/registry.sqlite`. */
  path: string;
  /** Dead letters kept before the oldest are dropped: bounded so a flood cannot fill the disk. */
  maxDeadLetters?: number;
}

export const DEFAULT_MAX_DEAD_LETTERS = 10_000;

interface DeadLetterRow {
  id: number;
  received_ms: number;
  device_id: string | null;
  coop_id: string | null;
  topic: string;
  code: string;
  reason: string;
  payload: Buffer;
  count: number;
}

export function createSqliteRegistry(options: SqliteRegistryOptions): Promise<Registry> {
  const db = openDatabase(options.path, MIGRATIONS);
  // Each statement is compiled once: a thousand devices reconnecting after a power cut each
  // look themselves up, and compiling the SELECT showed in the broker's profile beside running it.
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const maxDeadLetters = options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS;
  const docs = <T>(rows: unknown[]): T[] =>
    (rows as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);
  const doc = <T>(row: unknown): T | undefined =>
    row === undefined ? undefined : (JSON.parse((row as { doc: string }).doc) as T);

  const addDeadLetter = db.transaction((letter: Omit<DeadLetter, 'id' | 'count'>) => {
    // Identical repeats (a device stuck resending one bad message) fold into one row.
    const digest = createHash('sha256')
      .update(`${letter.deviceId ?? ''}\0${letter.topic}\0${letter.reason}\0`)
      .update(letter.payload)
      .digest('hex');
    prepare(
      `INSERT INTO dead_letters (received_ms, last_ms, device_id, coop_id, topic, code, reason, payload, digest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (digest) DO UPDATE SET count = count + 1, last_ms = excluded.last_ms`,
    ).run(
      letter.receivedMs,
      letter.receivedMs,
      letter.deviceId,
      letter.coopId,
      letter.topic,
      letter.code,
      letter.reason,
      Buffer.from(letter.payload),
      digest,
    );
    prepare(
      `DELETE FROM dead_letters WHERE id <= (SELECT id FROM dead_letters ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ).run(maxDeadLetters);
  });

  const registry: Registry = {
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
        prepare('INSERT OR REPLACE INTO farmers (id, coop_id, doc) VALUES (?, ?, ?)').run(
          farmer.id,
          farmer.coopId,
          JSON.stringify(farmer),
        );
      },
      get: async (id) => doc<Farmer>(prepare('SELECT doc FROM farmers WHERE id = ?').get(id)),
      list: async (coopId) =>
        docs<Farmer>(prepare('SELECT doc FROM farmers WHERE coop_id = ? ORDER BY id').all(coopId)),
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
    tokens: {
      add: async (tokenHash, principal: Principal) => {
        prepare('INSERT OR REPLACE INTO tokens (token_hash, principal) VALUES (?, ?)').run(
          tokenHash,
          JSON.stringify(principal),
        );
      },
      find: async (tokenHash) => {
        const row = prepare('SELECT principal FROM tokens WHERE token_hash = ?').get(tokenHash) as
          { principal: string } | undefined;
        return row === undefined ? undefined : (JSON.parse(row.principal) as Principal);
      },
    },
    prescriptions: {
      add: async (prescription: Prescription) => {
        prepare(
          'INSERT OR REPLACE INTO prescriptions (id, field_id, created_ms, doc) VALUES (?, ?, ?, ?)',
        ).run(
          prescription.id,
          prescription.fieldId,
          prescription.createdAtMs,
          JSON.stringify(prescription),
        );
      },
      latest: async (fieldId) =>
        doc<Prescription>(
          prepare(
            'SELECT doc FROM prescriptions WHERE field_id = ? ORDER BY created_ms DESC, rowid DESC LIMIT 1',
          ).get(fieldId),
        ),
    },
    scenes: {
      add: async (scene, perField) => {
        db.transaction(() => {
          prepare('INSERT OR REPLACE INTO scenes (id, acquired_ms, doc) VALUES (?, ?, ?)').run(
            scene.id,
            scene.acquiredMs,
            JSON.stringify(scene),
          );
          const put = prepare(
            'INSERT OR REPLACE INTO field_scene_indices (scene_id, field_id, acquired_ms, doc) VALUES (?, ?, ?, ?)',
          );
          for (const f of perField) put.run(f.sceneId, f.fieldId, f.acquiredMs, JSON.stringify(f));
        })();
      },
      has: async (id) => prepare('SELECT 1 FROM scenes WHERE id = ?').get(id) !== undefined,
      list: async () =>
        docs<SceneRecord>(prepare('SELECT doc FROM scenes ORDER BY acquired_ms').all()),
      fieldSeries: async (fieldId) =>
        docs<FieldSceneIndices>(
          prepare(
            'SELECT doc FROM field_scene_indices WHERE field_id = ? ORDER BY acquired_ms',
          ).all(fieldId),
        ),
    },
    parameterSets: {
      add: async (coopId, input, author, atMs) =>
        // Read the last version and write the next in one transaction: two agronomists
        // publishing at once get 2 and 3, never two 2s.
        db
          .transaction(() => {
            const { last } = prepare(
              'SELECT MAX(version) AS last FROM parameter_sets WHERE coop_id = ?',
            ).get(coopId) as { last: number | null };
            const set: ParameterSet = {
              ...input,
              coopId,
              version: (last ?? 0) + 1,
              createdAtMs: atMs,
              author,
            };
            prepare('INSERT INTO parameter_sets (coop_id, version, doc) VALUES (?, ?, ?)').run(
              coopId,
              set.version,
              JSON.stringify(set),
            );
            return set;
          })
          .immediate(),
      latest: async (coopId) =>
        doc<ParameterSet>(
          prepare(
            'SELECT doc FROM parameter_sets WHERE coop_id = ? ORDER BY version DESC LIMIT 1',
          ).get(coopId),
        ),
      get: async (coopId, version) =>
        doc<ParameterSet>(
          prepare('SELECT doc FROM parameter_sets WHERE coop_id = ? AND version = ?').get(
            coopId,
            version,
          ),
        ),
      list: async (coopId) =>
        docs<ParameterSet>(
          prepare('SELECT doc FROM parameter_sets WHERE coop_id = ? ORDER BY version DESC').all(
            coopId,
          ),
        ),
    },
    weatherForecasts: {
      put: async (coopId, forecast) => {
        prepare(
          `INSERT INTO weather_forecasts (coop_id, issued_ms, doc) VALUES (?, ?, ?)
           ON CONFLICT (coop_id) DO UPDATE SET issued_ms = excluded.issued_ms, doc = excluded.doc
           WHERE excluded.issued_ms >= weather_forecasts.issued_ms`,
        ).run(coopId, Date.parse(forecast.issuedAt), JSON.stringify(forecast));
      },
      latest: async (coopId) =>
        doc<WeatherForecast>(
          prepare('SELECT doc FROM weather_forecasts WHERE coop_id = ?').get(coopId),
        ),
    },
    yieldHistory: {
      put: async (coopId, rows) => {
        const put = prepare(
          'INSERT OR REPLACE INTO yield_history (coop_id, season, field_id, doc) VALUES (?, ?, ?, ?)',
        );
        db.transaction(() => {
          for (const r of rows) put.run(coopId, r.season, r.field_id, JSON.stringify(r));
        })();
        const { n } = prepare('SELECT COUNT(*) AS n FROM yield_history WHERE coop_id = ?').get(
          coopId,
        ) as { n: number };
        return n;
      },
      list: async (coopId) =>
        docs<YieldHistoryRow>(
          prepare('SELECT doc FROM yield_history WHERE coop_id = ? ORDER BY season, field_id').all(
            coopId,
          ),
        ),
    },
    deadLetters: {
      add: async (letter) => {
        addDeadLetter(letter);
      },
      list: async (filter = {}) => {
        const rows = prepare(
          `SELECT * FROM dead_letters WHERE (@coopId IS NULL OR coop_id = @coopId) ORDER BY id DESC LIMIT @limit`,
        ).all({ coopId: filter.coopId ?? null, limit: filter.limit ?? 100 }) as DeadLetterRow[];
        return rows.map((row) => ({
          id: row.id,
          receivedMs: row.received_ms,
          deviceId: row.device_id,
          coopId: row.coop_id,
          topic: row.topic,
          code: row.code,
          reason: row.reason,
          payload: new Uint8Array(row.payload),
          count: row.count,
        }));
      },
    },
    close: async () => {
      db.close();
    },
  };
  return Promise.resolve(registry);
}
