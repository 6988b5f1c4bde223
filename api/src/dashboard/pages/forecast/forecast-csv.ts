import { csvLine, type CsvValue } from '../../../http/csv.js';
import type { ForecastView } from './forecast-view.js';

/**
 * The download's columns: one table (a spreadsheet or `read.csv` takes it whole), `kind` telling
 * a field's row from a crop's total. Yields t/ha, production t, areas ha: metric, as on the page.
 */
export const FORECAST_CSV_COLUMNS = [
  'kind',
  'field_id',
  'name',
  'crop',
  'area_ha',
  'p10_t_ha',
  'p50_t_ha',
  'p90_t_ha',
  'p10_t',
  'p50_t',
  'p90_t',
  'fao33_t_ha',
  'fao33_t',
  'status',
  'as_of',
  'model_version',
] as const;

/** The page's forecasts as CSV: a row per field, then a total per crop (RFC 4180 CRLF lines). */
export function forecastCsv(view: ForecastView): string {
  const model = view.modelVersion;
  const rows: CsvValue[][] = [
    [...FORECAST_CSV_COLUMNS],
    ...view.fields.map((f) => [
      'field',
      f.fieldId,
      f.name,
      f.crop,
      f.areaHa,
      f.yieldTHa?.p10 ?? null,
      f.yieldTHa?.p50 ?? null,
      f.yieldTHa?.p90 ?? null,
      f.productionT?.p10 ?? null,
      f.productionT?.p50 ?? null,
      f.productionT?.p90 ?? null,
      f.fao33?.yieldTHa ?? null,
      f.fao33?.productionT ?? null,
      f.status,
      view.asOfDate,
      model,
    ]),
    // A crop's area is that of its fields with a forecast, the ones its totals add up.
    ...view.crops.map((c) => [
      'crop-total',
      null,
      null,
      c.crop,
      c.areaHa,
      null,
      null,
      null,
      c.productionT.p10,
      c.productionT.p50,
      c.productionT.p90,
      null,
      c.fao33T,
      `${c.forecastFields}/${c.fields} fields`,
      view.asOfDate,
      model,
    ]),
  ];
  return rows.map(csvLine).join('\r\n') + '\r\n';
}
