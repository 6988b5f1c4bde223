import type { UpStream } from '../topics/topic.js';

/**
 * What each stream may carry. `senmlUnit` is the RFC 8428 §12.1 registered unit used on the wire
 * (SI base units); our canonical value is `senml value × scale`, in the unit the name carries.
 * Ranges are the physically possible span (plus sensor slack), not the plausible one: anything
 * outside is a broken sensor or a broken encoder and goes to dead letters.
 */
export interface Quantity {
  readonly senmlUnit: string;
  readonly scale: number;
  readonly min: number;
  readonly max: number;
}

export const QUANTITIES = {
  soil: {
    // Volumetric water content, m3/m3 ("/" is SenML's ratio). Saturated peat is below 0.9.
    vwc10: { senmlUnit: '/', scale: 1, min: 0, max: 1 },
    vwc30: { senmlUnit: '/', scale: 1, min: 0, max: 1 },
    vwc60: { senmlUnit: '/', scale: 1, min: 0, max: 1 },
    soilTempC: { senmlUnit: 'Cel', scale: 1, min: -30, max: 80 },
    // Bulk electrical conductivity in dS/m (agronomy's unit); SenML carries S/m. Sea water is ~5.
    ecDsM: { senmlUnit: 'S/m', scale: 10, min: 0, max: 50 },
    batteryPct: { senmlUnit: '%EL', scale: 1, min: 0, max: 100 },
  },
  weather: {
    airTempC: { senmlUnit: 'Cel', scale: 1, min: -60, max: 65 },
    rhPct: { senmlUnit: '%RH', scale: 1, min: 0, max: 100 },
    windMs: { senmlUnit: 'm/s', scale: 1, min: 0, max: 90 },
    // Above the solar constant (1361 W/m2) only with cloud-edge enhancement; 1600 bounds it.
    solarWm2: { senmlUnit: 'W/m2', scale: 1, min: 0, max: 1600 },
    // Rain since the previous sample, mm (SenML carries metres). 500 mm is beyond any record hour.
    rainMm: { senmlUnit: 'm', scale: 1000, min: 0, max: 500 },
    pressureKPa: { senmlUnit: 'Pa', scale: 0.001, min: 30, max: 110 },
    batteryPct: { senmlUnit: '%EL', scale: 1, min: 0, max: 100 },
  },
  gnss: {
    latitudeDeg: { senmlUnit: 'lat', scale: 1, min: -90, max: 90 },
    longitudeDeg: { senmlUnit: 'lon', scale: 1, min: -180, max: 180 },
    altitudeM: { senmlUnit: 'm', scale: 1, min: -500, max: 9000 },
    // NMEA 0183 GGA fix quality code (0 invalid ... 4 RTK fixed, 5 RTK float, 8 simulation).
    fixQuality: { senmlUnit: 'count', scale: 1, min: 0, max: 8 },
    satellites: { senmlUnit: 'count', scale: 1, min: 0, max: 99 },
    hdop: { senmlUnit: '/', scale: 1, min: 0, max: 99.99 },
  },
  status: {
    batteryPct: { senmlUnit: '%EL', scale: 1, min: 0, max: 100 },
    rssiDbm: { senmlUnit: 'dBW', scale: 1, min: -150, max: 0 },
    queueDepth: { senmlUnit: 'count', scale: 1, min: 0, max: 1_000_000 },
    // 1 while connected; 0 in the last-will message the broker publishes when the link drops.
    online: { senmlUnit: '/', scale: 1, min: 0, max: 1 },
    // Water a valve controller applied since its previous report, mm over the field (SenML m).
    appliedMm: { senmlUnit: 'm', scale: 1000, min: 0, max: 500 },
  },
} as const satisfies Record<UpStream, Record<string, Quantity>>;

export type QuantityName<S extends UpStream> = keyof (typeof QUANTITIES)[S] & string;

export function quantityOf(stream: UpStream, name: string): Quantity | undefined {
  const table: Record<string, Quantity> = QUANTITIES[stream];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
