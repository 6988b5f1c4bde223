import { round } from '@shamba/schemas';
import type { CropProduction, FieldForecast } from './forecast-service.js';

/**
 * Production by crop from the fields' forecasts (PRODUCTION_METHOD): each crop's P10, P50 and
 * P90 are the sums of its fields' (exact when their errors move together, wide otherwise), and
 * FAO-33's production is summed over the same fields, those with a forecast. `fields` counts
 * every field of the crop, `forecastFields` those summed. Crops in alphabetical order; areas
 * rounded to 0.001 ha, tonnes to 0.01 t, after summing.
 */
export function cropProduction(forecasts: readonly FieldForecast[]): CropProduction[] {
  const crops = new Map<string, CropProduction>();
  for (const f of forecasts) {
    const c = crops.get(f.crop) ?? {
      crop: f.crop,
      fields: 0,
      forecastFields: 0,
      areaHa: 0,
      productionT: { p10: 0, p50: 0, p90: 0 },
      fao33T: 0,
    };
    c.fields++;
    if (f.productionT !== null) {
      c.forecastFields++;
      c.areaHa += f.areaHa;
      c.productionT.p10 += f.productionT.p10;
      c.productionT.p50 += f.productionT.p50;
      c.productionT.p90 += f.productionT.p90;
      c.fao33T += f.fao33?.productionT ?? 0;
    }
    crops.set(f.crop, c);
  }
  return [...crops.values()]
    .sort((a, b) => a.crop.localeCompare(b.crop))
    .map((c) => ({
      ...c,
      areaHa: round(c.areaHa, 3),
      productionT: {
        p10: round(c.productionT.p10, 2),
        p50: round(c.productionT.p50, 2),
        p90: round(c.productionT.p90, 2),
      },
      fao33T: round(c.fao33T, 2),
    }));
}
