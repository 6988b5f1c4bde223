import type { Coop, DeviceKind, Farmer, Field } from '@shamba/schemas';

/** A field as the simulated world knows it: the registry's view plus its hidden starting state. */
export interface ScenarioField extends Omit<Field, 'coopId' | 'areaHa'> {
  /** Root-zone depletion at the start of the simulation, as a fraction of TAW (0 = field capacity). */
  initialDepletionFraction: number;
  /** Crop evapotranspiration on a clear day, mm/day (the world's driver until the FAO-56 engine). */
  etcMmPerDay: number;
}

export interface ScenarioDevice {
  id: string;
  kind: DeviceKind;
  fieldId: string;
}

export interface RainEvent {
  /** Days after the simulation start. */
  dayOffset: number;
  /** Hour of local solar time the shower starts, lasting one hour. */
  hour: number;
  mm: number;
}

export interface Scenario {
  id: string;
  seed: number;
  coop: Coop;
  site: { latitudeDeg: number; longitudeDeg: number; elevationM: number };
  /** Mean daily air temperature and its diurnal half-range, degC. */
  climate: { meanTempC: number; diurnalHalfRangeC: number; meanRhPct: number; meanWindMs: number };
  farmers: Farmer[];
  fields: ScenarioField[];
  devices: ScenarioDevice[];
  rain: RainEvent[];
}
