import type { ParameterSet, WeatherForecast, YieldHistoryRow } from '@shamba/schemas';
import type { Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** What decisions rest on: parameter sets, forecasts, yields (prescriptions: prescriptions.ts). */
export function sqliteAgronomyRecords({
  db,
  prepare,
  docs,
  doc,
}: RegistryDb): Pick<Registry, 'parameterSets' | 'weatherForecasts' | 'yieldHistory'> {
  return {
    parameterSets: {
      add: async (coopId, input, { author, atMs }) =>
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
      delete: async (coopId, { season, fieldId }) =>
        fieldId === undefined
          ? prepare('DELETE FROM yield_history WHERE coop_id = ? AND season = ?').run(
              coopId,
              season,
            ).changes
          : prepare(
              'DELETE FROM yield_history WHERE coop_id = ? AND season = ? AND field_id = ?',
            ).run(coopId, season, fieldId).changes,
    },
  };
}
