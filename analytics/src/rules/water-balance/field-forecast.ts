import { addDays, forecastDays, type FieldBalance, type ForecastDay } from '@shamba/agronomy';
import type { WaterBalanceRuleInput } from './water-balance-prescription.js';
import { HORIZON_DAYS } from './zone-irrigation.js';

/** The forecast the zones are projected over: given, issued by the cooperative, or persistence. */
export function forecastFor(
  input: WaterBalanceRuleInput,
  balance: FieldBalance,
): { forecast: readonly ForecastDay[]; forecastLabel: string } {
  const { today } = balance;
  const issued =
    input.weatherForecast === undefined
      ? []
      : forecastDays(input.weatherForecast, {
          today,
          latitudeDeg: balance.site.latitudeDeg,
          elevationM: balance.site.elevationM,
        });
  const forecast =
    input.forecast ?? (issued.length > 0 ? issued : persistenceForecast(today, balance.et0Today));
  const forecastLabel =
    input.forecast !== undefined
      ? 'given'
      : issued.length > 0
        ? `${input.weatherForecast!.source} issued ${input.weatherForecast!.issuedAt}`
        : 'persistence (no forecast)';
  return { forecast, forecastLabel };
}

/** Without a forecast: ET0 stays at the recent mean and no rain falls (the cautious case). */
function persistenceForecast(today: string, et0: number | null): ForecastDay[] {
  if (et0 === null) return [];
  return Array.from({ length: HORIZON_DAYS }, (_, i) => ({
    dateIso: addDays(today, i + 1),
    et0Mm: et0,
    rainMm: 0,
  }));
}
