import type { Field } from '@shamba/schemas';
import { balanceWindow, type BalanceWindow, type StationWeather } from '@shamba/agronomy';
import type { NotApplicable, RuleContext } from './rule.js';

/**
 * The field's station weather over its balance window (sowing, or MAX_BALANCE_DAYS back),
 * summarised once per pass however many rules read it; not applicable until the station has
 * one complete day before today (until then, the probes alone decide).
 */
export async function stationSinceSowing(
  field: Field,
  context: RuleContext,
): Promise<{ window: BalanceWindow; weather: StationWeather } | NotApplicable> {
  if (context.newestWeather === undefined)
    return { notApplicable: 'no weather from a station of the field or its cooperative' };
  const offset = context.coop.utcOffsetMinutes;
  const window = balanceWindow({
    plantingDate: field.plantingDate,
    asOfMs: context.asOfMs,
    utcOffsetMinutes: offset,
  });
  const weather = await context.data.station(context.stations, window.startMs, offset);
  if (!weather.days.some((d) => d.complete && d.dateIso < window.today))
    return { notApplicable: 'no complete day of weather from the station yet' };
  return { window, weather };
}
