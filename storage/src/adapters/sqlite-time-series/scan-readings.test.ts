import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { PAGE_SQL } from './scan-readings.js';
import { createSqliteTimeSeriesStore, inboxPathFor } from './sqlite-time-series-store.js';

// https://www.sqlite.org/eqp.html: a scan's page is two key-range reads merged in key order, so
// LIMIT stops it after a page. A sort (`USE TEMP B-TREE FOR ORDER BY`) would read every row from
// the position to the end for each page: an export of N readings would cost N^2 / page.
it("plans a scan's page as two key ranges merged in order, with no sort", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-scan-plan-'));
  const path = join(dir, 'timeseries.sqlite');
  await (await createSqliteTimeSeriesStore({ path })).close();
  const db = new Database(path, { readonly: true });
  db.prepare('ATTACH DATABASE ? AS inbox').run(inboxPathFor(path));
  const plan = (
    db.prepare(`EXPLAIN QUERY PLAN ${PAGE_SQL}`).all({
      coop: 'c',
      stream: 'soil',
      time: 0,
      device: '',
      to: 1,
      limit: 5000,
    }) as { detail: string }[]
  ).map((row) => row.detail);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  expect(plan).toEqual([
    'MERGE (UNION ALL)',
    'LEFT',
    'SEARCH i USING PRIMARY KEY ((time_ms,device_id)>(?,?) AND time_ms<?)',
    'RIGHT',
    'SEARCH r USING PRIMARY KEY ((time_ms,device_id)>(?,?) AND time_ms<?)',
    'CORRELATED SCALAR SUBQUERY 2',
    'SEARCH i USING PRIMARY KEY (time_ms=? AND device_id=? AND stream=?)',
  ]);
});
