import type {
  Coop,
  Device,
  Farmer,
  Field,
  ParameterSet,
  ParameterSetInput,
  Prescription,
  Principal,
  WeatherForecast,
  YieldHistoryRow,
} from '@shamba/schemas';

export interface DeviceRecord extends Device {
  /** scrypt hash of the device secret (see @shamba/ingest secrets); the secret is never stored. */
  secretHash: string;
}

export interface DeadLetter {
  id: number;
  receivedMs: number;
  deviceId: string | null;
  coopId: string | null;
  topic: string;
  /** ShambaError code, e.g. INVALID_PAYLOAD. */
  code: string;
  reason: string;
  payload: Uint8Array;
  /** How many identical messages (same device, topic, reason and bytes) this row stands for. */
  count: number;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'count'>;

export interface SceneRecord {
  id: string;
  acquiredMs: number;
  /** The STAC item the scene was read from. */
  itemPath: string;
  cloudCoverPct: number | null;
  processedMs: number;
}

/** One field's indices from one scene (the shape is the analytics' FieldIndices). */
export interface FieldSceneIndices {
  sceneId: string;
  fieldId: string;
  acquiredMs: number;
  indices: Record<string, unknown>;
}

export interface FieldFilter {
  coopId?: string;
  farmerId?: string;
}

/** Everything that is not a time series: who and what exists, and what was decided. */
export interface Registry {
  coops: {
    upsert(coop: Coop): Promise<void>;
    get(id: string): Promise<Coop | undefined>;
    list(): Promise<Coop[]>;
  };
  farmers: {
    upsert(farmer: Farmer): Promise<void>;
    get(id: string): Promise<Farmer | undefined>;
    list(coopId: string): Promise<Farmer[]>;
  };
  fields: {
    upsert(field: Field): Promise<void>;
    get(id: string): Promise<Field | undefined>;
    list(filter?: FieldFilter): Promise<Field[]>;
  };
  devices: {
    upsert(device: DeviceRecord): Promise<void>;
    get(id: string): Promise<DeviceRecord | undefined>;
    list(filter?: { coopId?: string; fieldId?: string }): Promise<DeviceRecord[]>;
  };
  tokens: {
    /** Tokens are looked up by a SHA-256 of the bearer value; the value itself is never stored. */
    add(tokenHash: string, principal: Principal): Promise<void>;
    find(tokenHash: string): Promise<Principal | undefined>;
  };
  prescriptions: {
    add(prescription: Prescription): Promise<void>;
    latest(fieldId: string): Promise<Prescription | undefined>;
  };
  scenes: {
    add(scene: SceneRecord, perField: readonly FieldSceneIndices[]): Promise<void>;
    has(id: string): Promise<boolean>;
    list(): Promise<SceneRecord[]>;
    /** A field's indices from every scene, oldest first. */
    fieldSeries(fieldId: string): Promise<FieldSceneIndices[]>;
  };
  parameterSets: {
    /** Publishes the next version of the cooperative's parameter set. */
    add(
      coopId: string,
      input: ParameterSetInput,
      author: string,
      atMs: number,
    ): Promise<ParameterSet>;
    latest(coopId: string): Promise<ParameterSet | undefined>;
    get(coopId: string, version: number): Promise<ParameterSet | undefined>;
    /** Every version, newest first. */
    list(coopId: string): Promise<ParameterSet[]>;
  };
  weatherForecasts: {
    /** Keeps the cooperative's newest forecast (an older issue than the kept one is ignored). */
    put(coopId: string, forecast: WeatherForecast): Promise<void>;
    latest(coopId: string): Promise<WeatherForecast | undefined>;
  };
  yieldHistory: {
    /** Adds or replaces (by season and field) a cooperative's field-seasons; returns the count kept. */
    put(coopId: string, rows: readonly YieldHistoryRow[]): Promise<number>;
    list(coopId: string): Promise<YieldHistoryRow[]>;
  };
  deadLetters: {
    /** Identical repeats fold into one row with a count; the oldest rows go past the cap. */
    add(deadLetter: NewDeadLetter): Promise<void>;
    list(filter?: { coopId?: string; limit?: number }): Promise<DeadLetter[]>;
  };
  close(): Promise<void>;
}
