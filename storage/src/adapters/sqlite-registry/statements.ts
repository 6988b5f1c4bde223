import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../sqlite/open-database.js';

/** A statement cache and JSON-document readers shared by the registry's parts. */
export interface RegistryDb {
  db: SqliteDatabase;
  /** Compiled once per SQL text (see createSqliteRegistry). */
  prepare: (sql: string) => Statement;
  docs: <T>(rows: unknown[]) => T[];
  doc: <T>(row: unknown) => T | undefined;
}

export function registryDb(db: SqliteDatabase): RegistryDb {
  // Each statement is compiled once: a thousand devices reconnecting after a power cut each
  // look themselves up, and compiling the SELECT showed in the broker's profile beside running it.
  const statements = new Map<string, Statement>();
  return {
    db,
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
    docs: <T>(rows: unknown[]): T[] =>
      (rows as { doc: string }[]).map((r) => JSON.parse(r.doc) as T),
    doc: <T>(row: unknown): T | undefined =>
      row === undefined ? undefined : (JSON.parse((row as { doc: string }).doc) as T),
  };
}
