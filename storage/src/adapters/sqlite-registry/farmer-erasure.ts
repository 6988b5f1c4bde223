import { randomBytes } from 'node:crypto';
import type { Farmer } from '@shamba/schemas';
import type { FarmerErasure, Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** What stands in for a removed phone number or text. */
const ERASED = '(erased)';

/**
 * A farmer's erasure (a right to be forgotten, e.g. GDPR Art. 17, Kenya's Data Protection Act
 * 2019 s. 40): their row goes; what the cooperative needs to keep farming (fields, prescriptions,
 * applications, message counts for its budget) stays under a random pseudonym, with every phone
 * number and message text removed; their tokens are revoked so no session outlives them.
 */
export function sqliteFarmerErasure({
  db,
  prepare,
  doc,
}: RegistryDb): Registry['farmers']['erase'] {
  const erase = db.transaction((id: string, atMs: number): FarmerErasure | undefined => {
    const farmer = doc<Farmer>(prepare('SELECT doc FROM farmers WHERE id = ?').get(id));
    if (farmer === undefined) return undefined;
    const pseudonym = `erased-${randomBytes(6).toString('hex')}`;
    const { phone } = farmer;
    // Who the farmer's tokens named (their audit lines' actor), before the tokens are renamed.
    const names = (
      prepare(
        `SELECT DISTINCT json_extract(principal, '$.name') AS name FROM tokens
         WHERE json_extract(principal, '$.farmerId') = ?`,
      ).all(id) as { name: string }[]
    ).map((r) => r.name);
    prepare('DELETE FROM farmers WHERE id = ?').run(id);
    const fields = prepare(
      `UPDATE fields SET farmer_id = @pseudonym, doc = json_set(doc, '$.farmerId', @pseudonym)
       WHERE farmer_id = @id`,
    ).run({ id, pseudonym }).changes;
    // The dedupe key names the farmer (`prescription:{id}:{farmer}:{channel}`): renamed too, so
    // it still keeps a restart from sending the same message twice.
    const messages = prepare(
      `UPDATE messages SET farmer_id = @pseudonym,
         dedupe_key = replace(replace(dedupe_key, ':' || @id || ':', ':' || @pseudonym || ':'),
           @phone, @pseudonym),
         doc = json_remove(json_set(doc, '$.farmerId', @pseudonym, '$.to', @erased,
           '$.text', @erased,
           '$.dedupeKey', replace(replace(json_extract(doc, '$.dedupeKey'), ':' || @id || ':',
             ':' || @pseudonym || ':'), @phone, @pseudonym)), '$.payloadBase64')
       WHERE farmer_id = @id`,
    ).run({ id, pseudonym, phone, erased: ERASED }).changes;
    // A reply's id begins with the number it came from (`{from}:{provider id}`).
    const inbound = prepare(
      `UPDATE inbound_messages
       SET id = replace(id, @phone, @pseudonym),
         doc = json_set(doc, '$.id', replace(json_extract(doc, '$.id'), @phone, @pseudonym),
           '$.farmerId', @pseudonym, '$.from', @erased, '$.text', @erased)
       WHERE json_extract(doc, '$.farmerId') = @id`,
    ).run({ id, pseudonym, phone, erased: ERASED }).changes;
    // The audit log keeps what was done, but not who the farmer was: their tokens' name and
    // their id in paths become the pseudonym.
    for (const name of names)
      prepare(
        `UPDATE audit_log SET doc = json_set(doc, '$.actor', @pseudonym)
         WHERE coop_id = @coopId AND json_extract(doc, '$.role') = 'farmer'
           AND json_extract(doc, '$.actor') = @name`,
      ).run({ coopId: farmer.coopId, name, pseudonym });
    prepare(
      `UPDATE audit_log SET doc = json_set(doc, '$.path',
         replace(json_extract(doc, '$.path'), '/farmers/' || @id, '/farmers/' || @pseudonym))
       WHERE coop_id = @coopId AND instr(json_extract(doc, '$.path'), '/farmers/' || @id) > 0`,
    ).run({ coopId: farmer.coopId, id, pseudonym });
    const tokensRevoked = prepare(
      `UPDATE tokens SET revoked_ms = coalesce(revoked_ms, @atMs), label = NULL,
         principal = json_set(principal, '$.farmerId', @pseudonym, '$.name', @erased)
       WHERE json_extract(principal, '$.farmerId') = @id`,
    ).run({ id, atMs, pseudonym, erased: ERASED }).changes;
    return {
      farmerId: id,
      coopId: farmer.coopId,
      pseudonym,
      fields,
      messages,
      inbound,
      tokensRevoked,
    };
  });
  return async (id, atMs) => {
    const erased = erase(id, atMs);
    // Freed pages are zeroed (secure_delete, set for the registry), and the log that still holds
    // the old pages is folded into the file and emptied.
    if (erased !== undefined) db.pragma('wal_checkpoint(TRUNCATE)');
    return erased;
  };
}
