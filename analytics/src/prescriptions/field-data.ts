import type {
  Device,
  FertiliserApplication,
  Field,
  ParameterSet,
  WeatherForecast,
} from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { summariseStation, utcOffsetMinutes, type StationWeather } from '@shamba/agronomy';
import type { Timed } from './stage-timings.js';

export interface CoopContext {
  utcOffsetMinutes: number;
  /** The cooperative's latest published parameter set, if it has one. */
  parameterSet: ParameterSet | undefined;
  /** The cooperative's latest weather forecast, if one was issued. */
  forecast: WeatherForecast | undefined;
  /** Weather stations by the field they stand on (null: the cooperative's own). */
  stationsByField: Map<string | null, string[]>;
  /**
   * Each device's zone as the registry has it now. Readings carry the zone stamped at ingest; a
   * probe's readings belong to the zone it stands in today (zones applied since move it).
   */
  zoneOfDevice: Map<string, string | null>;
}

/**
 * What prescriptions and forecasts read about a field besides its own readings, cached for one
 * pass: each cooperative's time zone and stations, each station's summarised weather.
 */
export interface FieldData {
  coop(coopId: string): Promise<CoopContext>;
  /**
   * The field's own station (all of them, if it has several); else the cooperative's station
   * (the first one on no field), else the first of any field's. Far stations are never mixed.
   */
  stationsFor(context: CoopContext, field: Field): string[];
  /** The stations' weather since `fromMs`, by local day, summarised once per pass. */
  station(
    stations: readonly string[],
    fromMs: number,
    utcOffsetMinutes: number,
  ): Promise<StationWeather>;
  /** The fertiliser recorded on the field, oldest first (the nitrogen rule subtracts it). */
  fertiliserApplications(fieldId: string): Promise<FertiliserApplication[]>;
}

/** The cooperative's weather stations by the field they stand on (null: on none). */
export function weatherStationsByField(
  devices: readonly Pick<Device, 'id' | 'kind' | 'fieldId'>[],
): Map<string | null, string[]> {
  const byField = new Map<string | null, string[]>();
  for (const d of devices.filter((x) => x.kind === 'weather-station')) {
    const list = byField.get(d.fieldId) ?? [];
    list.push(d.id);
    byField.set(d.fieldId, list);
  }
  return byField;
}

/**
 * The stations whose weather is the field's: its own (all of them, if it has several); else the
 * cooperative's (the first, by id, of those on no field), else the first of any field's. Far
 * stations are never mixed: rain a few km away is another storm. Prescriptions, forecasts and
 * the dashboard's rain all use this choice.
 */
export function stationsForField(
  stationsByField: ReadonlyMap<string | null, readonly string[]>,
  fieldId: string,
): string[] {
  const own = stationsByField.get(fieldId);
  if (own !== undefined) return [...own];
  return [...(stationsByField.get(null) ?? [...stationsByField.values()].flat())]
    .sort()
    .slice(0, 1);
}

export function createFieldData(options: {
  registry: Registry;
  store: TimeSeriesStore;
  clock: () => number;
  /** Time spent reading and summarising, for the benchmark's split by stage. */
  timed?: Timed;
}): FieldData {
  const { registry, store, clock } = options;
  const timed = options.timed ?? ((_stage, work) => work());
  const coops = new Map<string, Promise<CoopContext>>();
  const stations = new Map<string, Promise<StationWeather>>();
  return {
    coop(coopId) {
      let context = coops.get(coopId);
      if (context === undefined) {
        context = timed('query', async () => {
          const coop = await registry.coops.get(coopId);
          const [devices, parameterSet, forecast] = await Promise.all([
            registry.devices.list({ coopId }),
            registry.parameterSets.latest(coopId),
            registry.weatherForecasts.latest(coopId),
          ]);
          return {
            utcOffsetMinutes: utcOffsetMinutes(coop?.timezone ?? 'UTC', clock()),
            parameterSet,
            forecast,
            stationsByField: weatherStationsByField(devices),
            zoneOfDevice: new Map(devices.map((d) => [d.id, d.zoneId])),
          };
        });
        coops.set(coopId, context);
      }
      return context;
    },
    stationsFor: (context, field) => stationsForField(context.stationsByField, field.id),
    fertiliserApplications: (fieldId) =>
      timed('query', () => registry.fertiliserApplications.list(fieldId)),
    station(ids, fromMs, offset) {
      const key = `${ids.join(',')}|${fromMs}|${offset}`;
      let summary = stations.get(key);
      if (summary === undefined) {
        summary = (async () => {
          const readings = await timed('query', () =>
            store.query({
              deviceIds: ids,
              stream: 'weather',
              fromMs,
              toMs: Number.MAX_SAFE_INTEGER,
            }),
          );
          return timed('weather', async () =>
            summariseStation(readings, { utcOffsetMinutes: offset }),
          );
        })();
        stations.set(key, summary);
      }
      return summary;
    },
  };
}
