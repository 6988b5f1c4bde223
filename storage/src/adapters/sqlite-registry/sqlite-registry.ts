import { openDatabase } from '../../sqlite/open-database.js';
import type { Registry } from '../../ports/registry.js';
import { sqliteAgronomyRecords } from './agronomy-records.js';
import { sqliteAudit } from './audit.js';
import {
  DEFAULT_MAX_DEAD_LETTERS,
  DEFAULT_MAX_DEAD_LETTERS_PER_DEVICE,
  sqliteDeadLetters,
} from './dead-letters.js';
import { sqliteDirectory } from './directory.js';
import { sqliteFarmerErasure } from './farmer-erasure.js';
import { sqliteFertiliserApplications } from './fertiliser-applications.js';
import { sqliteInbound, sqliteMessages } from './messages.js';
import { REGISTRY_MIGRATIONS } from './migrations.js';
import { sqlitePrescriptions } from './prescriptions.js';
import { sqliteScenes } from './scenes.js';
import { registryDb } from './statements.js';
import { sqliteTokens } from './tokens.js';

export {
  DEFAULT_MAX_DEAD_LETTERS,
  DEFAULT_MAX_DEAD_LETTERS_PER_DEVICE,
  MAX_DEAD_LETTER_PAYLOAD,
  MAX_DEAD_LETTER_REASON,
} from './dead-letters.js';

export interface SqliteRegistryOptions {
  /** The database file, e.g. `<data dir>/registry.sqlite`. */
  path: string;
  /** Dead letters kept per cooperative before its oldest are dropped. */
  maxDeadLetters?: number;
  /** Dead letters kept per device before its oldest are dropped. */
  maxDeadLettersPerDevice?: number;
}

/** The registry in one SQLite file, each concern in a module of its own. */
export function createSqliteRegistry(options: SqliteRegistryOptions): Promise<Registry> {
  const db = openDatabase(options.path, REGISTRY_MIGRATIONS);
  // Deleted rows' pages are overwritten with zeros, so an erased farmer's phone and name do not
  // stay in the file's free pages (registry writes are few: the cost does not show).
  db.pragma('secure_delete = ON');
  const parts = registryDb(db);
  const directory = sqliteDirectory(parts);
  const registry: Registry = {
    ...directory,
    farmers: { ...directory.farmers, erase: sqliteFarmerErasure(parts) },
    audit: sqliteAudit(parts),
    ...sqliteAgronomyRecords(parts),
    prescriptions: sqlitePrescriptions(parts),
    tokens: sqliteTokens(parts),
    scenes: sqliteScenes(parts),
    fertiliserApplications: sqliteFertiliserApplications(parts),
    messages: sqliteMessages(parts),
    inbound: sqliteInbound(parts),
    deadLetters: sqliteDeadLetters(parts, {
      perCoop: options.maxDeadLetters ?? DEFAULT_MAX_DEAD_LETTERS,
      perDevice: options.maxDeadLettersPerDevice ?? DEFAULT_MAX_DEAD_LETTERS_PER_DEVICE,
    }),
    close: async () => {
      db.close();
    },
  };
  return Promise.resolve(registry);
}
