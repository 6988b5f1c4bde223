/**
 * The registry's schema, one migration per entry (PRAGMA user_version counts those applied).
 * Frozen text: a change is a new entry, never an edit of an old one.
 *
 * Entities are stored as JSON documents beside the columns we filter on: the zod schemas in
 * @shamba/schemas are the contract, and adding a property needs no migration.
 */
export const REGISTRY_MIGRATIONS = [
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
  // Tokens get an id (a prefix of the digest: safe to show), an owner column to list by, a
  // label, an expiry and a revocation time. Tokens issued before expiry existed expire 90 days
  // after this migration runs, the default lifetime of a new token.
  `CREATE TABLE tokens_v2 (
     token_hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, principal TEXT NOT NULL, coop_id TEXT,
     label TEXT, created_ms INTEGER NOT NULL, expires_ms INTEGER, revoked_ms INTEGER);
   INSERT INTO tokens_v2 (token_hash, id, principal, coop_id, created_ms, expires_ms)
     SELECT token_hash, substr(token_hash, 1, 16), principal, json_extract(principal, '$.coopId'),
       CAST(strftime('%s', 'now') AS INTEGER) * 1000,
       CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000
     FROM tokens;
   DROP TABLE tokens;
   ALTER TABLE tokens_v2 RENAME TO tokens;
   CREATE INDEX tokens_by_coop ON tokens (coop_id);`,
  // Scenes get an owner ('' for a shared scene): ids are unique per owner, so a cooperative's
  // upload can neither replace nor squat a shared scene's id. Scenes so far were shared, but
  // those uploaded or registered by URL were some cooperative's staff's doing (whose, nobody
  // recorded), and a scene dated ahead of the clock was fabricated: they leave the shared list
  // for the quarantine, with their fields' indices, to be registered again by their owner.
  `CREATE TABLE quarantined_scenes (
     id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, at_ms INTEGER NOT NULL,
     doc TEXT NOT NULL);
   CREATE TEMP TABLE legacy_scenes AS
     SELECT id, json_extract(doc, '$.itemPath') AS item_path FROM scenes
     WHERE json_extract(doc, '$.itemPath') LIKE 'http%'
        OR json_extract(doc, '$.itemPath') LIKE '%/upload-%'
        OR acquired_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 3600000;
   INSERT INTO quarantined_scenes (owner, at_ms, doc)
     SELECT '', CAST(strftime('%s', 'now') AS INTEGER) * 1000, json_object(
       'path', item_path, 'name', id, 'ownerCoopId', NULL, 'code', 'INVALID_REQUEST',
       'reason', 'registered before scenes had owners (an upload, a URL, or dated ahead): register it again',
       'atMs', CAST(strftime('%s', 'now') AS INTEGER) * 1000)
     FROM legacy_scenes;
   DELETE FROM field_scene_indices WHERE scene_id IN (SELECT id FROM legacy_scenes);
   DELETE FROM scenes WHERE id IN (SELECT id FROM legacy_scenes);
   DROP TABLE legacy_scenes;
   CREATE TABLE scenes_v2 (
     owner TEXT NOT NULL, id TEXT NOT NULL, acquired_ms INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (owner, id));
   INSERT INTO scenes_v2 SELECT '', id, acquired_ms, json_set(doc, '$.ownerCoopId', NULL) FROM scenes;
   DROP TABLE scenes;
   ALTER TABLE scenes_v2 RENAME TO scenes;
   CREATE INDEX scenes_by_time ON scenes (acquired_ms);
   CREATE TABLE field_scene_indices_v2 (
     field_id TEXT NOT NULL, scene_owner TEXT NOT NULL, scene_id TEXT NOT NULL,
     acquired_ms INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (field_id, scene_owner, scene_id));
   INSERT INTO field_scene_indices_v2
     SELECT field_id, '', scene_id, acquired_ms, json_set(doc, '$.ownerCoopId', NULL)
     FROM field_scene_indices;
   DROP TABLE field_scene_indices;
   ALTER TABLE field_scene_indices_v2 RENAME TO field_scene_indices;`,
  // Dead letters are capped per cooperative and per device (one tenant's flood cannot evict
  // another's rows), so both are indexed with the row order; the stored payload is cut, and
  // its whole size kept.
  `ALTER TABLE dead_letters ADD COLUMN payload_bytes INTEGER;
   UPDATE dead_letters SET payload_bytes = length(payload);
   CREATE INDEX dead_letters_by_coop ON dead_letters (coop_id, id);
   CREATE INDEX dead_letters_by_device ON dead_letters (device_id, id);`,
  // Prescriptions get kinds (irrigation, nitrogen, ...) in an indexed column, so a field's newest
  // of each kind is one lookup. Older documents are upgraded to the typed shape: `rule` and the
  // parameters' parameterSet, sceneId and forecastIssuedAt become `provenance` ('none' is now
  // null), and irrigation zones lose `nitrogen` (its own kind now: the next pass makes it).
  `ALTER TABLE prescriptions ADD COLUMN kind TEXT NOT NULL DEFAULT 'irrigation';
   UPDATE prescriptions SET kind = coalesce(json_extract(doc, '$.kind'), 'irrigation');
   UPDATE prescriptions SET doc = json_set(doc, '$.zones', json((
       SELECT json_group_array(json_remove(value, '$.nitrogen'))
       FROM json_each(prescriptions.doc, '$.zones'))))
     WHERE json_type(doc, '$.zones') = 'array';
   UPDATE prescriptions SET doc = json_remove(
       json_set(doc, '$.provenance', json_object(
         'rule', json(coalesce(json_extract(doc, '$.rule'), '{"name":"unknown","version":"0"}')),
         'parameterSet', coalesce(json_extract(doc, '$.parameters.parameterSet'), 'built-in'),
         'sceneId', nullif(json_extract(doc, '$.parameters.sceneId'), 'none'),
         'forecastIssuedAt', nullif(json_extract(doc, '$.parameters.forecastIssuedAt'), 'none'))),
       '$.rule', '$.parameters.parameterSet', '$.parameters.sceneId',
       '$.parameters.forecastIssuedAt')
     WHERE json_type(doc, '$.provenance') IS NULL;
   CREATE INDEX prescriptions_by_field_kind ON prescriptions (field_id, kind, created_ms);`,
  // Fertiliser applications, per field by date: the nitrogen rule subtracts what was applied.
  `CREATE TABLE fertiliser_applications (
     id INTEGER PRIMARY KEY AUTOINCREMENT, field_id TEXT NOT NULL, date TEXT NOT NULL,
     doc TEXT NOT NULL);
   CREATE INDEX fertiliser_applications_by_field ON fertiliser_applications (field_id, date, id);`,
  // Farmers are found by phone (a reply names only its number); the outbox holds every message
  // to a farmer before it is sent (one per dedupe key: a restart never sends one twice), and
  // what farmers sent in.
  `ALTER TABLE farmers ADD COLUMN phone TEXT;
   UPDATE farmers SET phone = json_extract(doc, '$.phone');
   CREATE INDEX farmers_by_phone ON farmers (phone);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, farmer_id TEXT NOT NULL, field_id TEXT,
     kind TEXT, prescription_id TEXT, dedupe_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
     not_before_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, handed_ms INTEGER,
     segments INTEGER NOT NULL, doc TEXT NOT NULL);
   CREATE INDEX messages_due ON messages (state, not_before_ms);
   CREATE INDEX messages_by_coop ON messages (coop_id, created_ms);
   CREATE INDEX messages_by_field ON messages (farmer_id, field_id, kind, created_ms);
   CREATE TABLE message_gateway_ids (gateway_id TEXT PRIMARY KEY, message_id TEXT NOT NULL);
   CREATE TABLE inbound_messages (
     id TEXT PRIMARY KEY, coop_id TEXT, received_ms INTEGER NOT NULL, doc TEXT NOT NULL);
   CREATE INDEX inbound_by_coop ON inbound_messages (coop_id, received_ms);`,
  // The budget and the daily cap count what was handed to a gateway since a time, per
  // cooperative and per farmer, every run: indexed, so the count does not scan every message.
  `CREATE INDEX messages_handed_by_coop ON messages (coop_id, handed_ms);
   CREATE INDEX messages_handed_by_farmer ON messages (farmer_id, handed_ms);`,
  // The audit log: who read or changed a cooperative's data, listed newest first per
  // cooperative and pruned by age.
  `CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, coop_id TEXT,
     doc TEXT NOT NULL);
   CREATE INDEX audit_by_coop ON audit_log (coop_id, id);
   CREATE INDEX audit_by_time ON audit_log (at_ms);`,
];
