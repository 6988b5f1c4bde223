import { DAY_MS, type WeatherForecast } from '@shamba/schemas';
import { dailyEt0 } from '../et0/et0.js';
import { DEFAULT_WIND_MS } from './daily-weather.js';

export interface ForecastDay {
  dateIso: string;
  et0Mm: number;
  rainMm: number;
}

/**
 * A forecast's days after `today`, with ET0 as given or, where not given, FAO-56 Penman-Monteith
 * from the forecast temperatures with FAO-56's procedures for missing data: humidity from Tmin
 * (eq. 48), radiation from the temperature range (eq. 50, kRs 0.16), wind 2 m/s.
 */
export function forecastDays(
  forecast: WeatherForecast,
  site: { today: string; latitudeDeg: number; elevationM: number },
): ForecastDay[] {
  return forecast.days
    .filter((d) => d.date > site.today)
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => {
      const [y, m, day] = d.date.split('-').map(Number) as [number, number, number];
      const dayOfYear = Math.round((Date.UTC(y, m - 1, day) - Date.UTC(y, 0, 0)) / DAY_MS);
      const et0Mm =
        d.et0Mm ??
        dailyEt0({
          timestep: 'daily',
          latitudeDeg: site.latitudeDeg,
          elevationM: site.elevationM,
          dayOfYear,
          windSpeedMs: DEFAULT_WIND_MS,
          windHeightM: 2,
          tMaxC: d.tMaxC!,
          tMinC: d.tMinC!,
          kRs: 0.16,
          soilHeatFluxMJ: 0,
        }).et0Mm;
      return { dateIso: d.date, et0Mm, rainMm: d.rainMm };
    });
}
