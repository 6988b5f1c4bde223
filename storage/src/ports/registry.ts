import type {
  Coop,
  Device,
  Farmer,
  FertiliserApplication,
  Field,
  NewFertiliserApplication,
  ParameterSet,
  FieldIndicesRecord,
  InboundMessage,
  OutboxMessage,
  ParameterSetInput,
  Prescription,
  PrescriptionKind,
  PrescriptionOf,
  Principal,
  WeatherForecast,
  YieldHistoryRow,
} from '@shamba/schemas';

export interface DeviceRecord extends Device {
  /**
   * SHA-256 digest of the device secret, `sha256$...` (older registries: an scrypt hash, rewritten
   * at the device's next CONNECT; see @shamba/ingest secrets). The secret is never stored.
   */
  secretHash: string;
  /**
   * When the device was disabled (the API's `POST .../disable`): the broker refuses it at CONNECT
   * until it is enabled again. Absent or null: enabled. Kept in the record's document, so older
   * registries need no migration (an absent value reads as enabled).
   */
  disabledMs?: number | null;
}

/** What a request did to a cooperative's data, as the audit log records it. */
export type AuditAction = 'read' | 'create' | 'change' | 'delete';

/** One line of a cooperative's audit log: who read or changed what, and when. */
export interface AuditEntry {
  id: number;
  atMs: number;
  /** The cooperative whose data it was (null: no cooperative's, e.g. an admin's listing). */
  coopId: string | null;
  /** The token's name and role (never the token). */
  actor: string;
  role: string;
  action: AuditAction;
  method: string;
  /** The request's path, without its query. */
  path: string;
  status: number;
}
export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** What erasing a farmer changed: their records keep only a pseudonym in place of their id. */
export interface FarmerErasure {
  farmerId: string;
  coopId: string;
  /** The id the farmer's agronomic records carry from now on (`erased-...`). */
  pseudonym: string;
  fields: number;
  messages: number;
  inbound: number;
  tokensRevoked: number;
}

export interface DeadLetter {
  id: number;
  /** When the newest of the folded repeats arrived. */
  lastMs: number;
  receivedMs: number;
  deviceId: string | null;
  coopId: string | null;
  topic: string;
  /** ShambaError code, e.g. INVALID_PAYLOAD. */
  code: string;
  /** At most MAX_DEAD_LETTER_REASON characters: longer reasons are cut (and say so). */
  reason: string;
  /** The first MAX_DEAD_LETTER_PAYLOAD bytes of the message. */
  payload: Uint8Array;
  /** The message's whole size, bytes (more than `payload.length` when it was cut). */
  payloadBytes: number;
  /** How many messages this row stands for (identical repeats, or repeats of one `foldKey`). */
  count: number;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'count' | 'lastMs' | 'payloadBytes'> & {
  /**
   * Repeats with the same key fold into one row (the newest reason and bytes kept, the count
   * raised), e.g. one device's refused publishes whatever their topic. Without one, only
   * identical messages (same device, topic, reason and bytes) fold.
   */
  foldKey?: string;
};

export interface DeadLetterFilter {
  coopId?: string;
  deviceId?: string;
  limit?: number;
  /** Pagination: only rows older than this id (the `id` of the last row of the previous page). */
  beforeId?: number;
}

export interface SceneRecord {
  /** The STAC item's id: unique within its owner, not across owners. */
  id: string;
  /**
   * The cooperative that registered the scene and whose fields alone it is read for; null for a
   * scene for everyone (the watch folder the operator configures, or an admin's registration).
   */
  ownerCoopId: string | null;
  acquiredMs: number;
  /** The STAC item the scene was read from. */
  itemPath: string;
  cloudCoverPct: number | null;
  processedMs: number;
}

/** One field's indices from one scene (`FieldIndicesSchema` in @shamba/schemas). */
export interface FieldSceneIndices {
  sceneId: string;
  /** The scene's owner (see SceneRecord.ownerCoopId). */
  ownerCoopId: string | null;
  fieldId: string;
  acquiredMs: number;
  indices: FieldIndicesRecord;
}

/** A watch-folder or uploaded scene that failed: moved aside, never read again. */
export interface QuarantinedScene {
  /** Where the scene's folder was moved to. */
  path: string;
  /** The item's file name as found (no server path). */
  name: string;
  ownerCoopId: string | null;
  code: string;
  reason: string;
  atMs: number;
}

export interface TokenRecord {
  /** A public handle for the token (the first 16 hex digits of its digest), for list and revoke. */
  id: string;
  principal: Principal;
  createdMs: number;
  /** Null: never expires (avoid; `shamba token add` sets 90 days by default). */
  expiresMs: number | null;
  revokedMs: number | null;
  /** What the token is for, e.g. `demo:manager`. */
  label: string | null;
}

/** A field's newest prescription of each kind, where it has one. */
export type LatestByKind = { [K in PrescriptionKind]?: PrescriptionOf<K> };

/** Which of a field's prescription versions to list (newest first). */
export interface PrescriptionHistoryFilter {
  kind?: PrescriptionKind;
  /** At most this many (default and cap: MAX_PRESCRIPTION_PAGE in the adapter). */
  limit?: number;
  /** Pagination: only versions older than this one (the `id` of the last of the previous page). */
  before?: string;
}

/** What a send, a receipt or a hold changes on an outbox message. */
export type OutboxMessagePatch = Partial<
  Pick<
    OutboxMessage,
    | 'state'
    | 'attempts'
    | 'notBeforeMs'
    | 'sentMs'
    | 'deliveredMs'
    | 'gateway'
    | 'gatewayIds'
    | 'error'
    | 'acknowledgedMs'
    | 'appliedMs'
  >
>;

export interface MessageFilter {
  coopId: string;
  farmerId?: string;
  fieldId?: string;
  prescriptionId?: string;
  /** At most this many (default 100, cap 500). */
  limit?: number;
  /** Pagination: only messages after this one in the list's order (the previous page's last). */
  after?: MessageKey;
}

/**
 * Where a message stands in a list, newest first: its time (`createdMs` for the outbox,
 * `receivedMs` for replies), then its id.
 */
export interface MessageKey {
  timeMs: number;
  id: string;
}

export interface MessageUsage {
  messages: number;
  segments: number;
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
    /** Every farmer with this E.164 number, any cooperative (a reply names no cooperative). */
    byPhone(phone: string): Promise<Farmer[]>;
    /**
     * Removes the farmer's personal data, in one transaction: the farmer (name, phone, language,
     * consent) is deleted; their fields, messages and replies keep their agronomic content under
     * a pseudonym, with phone numbers and texts removed; their tokens are revoked. Undefined when
     * there is no such farmer.
     */
    erase(id: string, atMs: number): Promise<FarmerErasure | undefined>;
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
    add(
      tokenHash: string,
      principal: Principal,
      options: { createdMs: number; expiresMs: number | null; label?: string },
    ): Promise<TokenRecord>;
    /** The principal of a token that exists, has not expired at `atMs` and is not revoked. */
    find(tokenHash: string, atMs: number): Promise<Principal | undefined>;
    /** Tokens newest first, revoked and expired ones included; `label` matches exactly. */
    list(filter?: { coopId?: string; label?: string }): Promise<TokenRecord[]>;
    /** Revokes by id (TokenRecord.id); false when there is no such token. */
    revoke(id: string, atMs: number): Promise<boolean>;
  };
  prescriptions: {
    add(prescription: Prescription): Promise<void>;
    /** The field's newest prescription of `kind`; without one, the newest of any kind. */
    latest(fieldId: string): Promise<Prescription | undefined>;
    latest<K extends PrescriptionKind>(
      fieldId: string,
      kind: K,
    ): Promise<PrescriptionOf<K> | undefined>;
    /** The field's newest prescription of each kind it has (a second kind never hides the first). */
    latestByKind(fieldId: string): Promise<LatestByKind>;
    /** One version by its id (any field's: the caller checks the field). */
    get(id: string): Promise<Prescription | undefined>;
    /**
     * The field's versions, newest first (every recompute is one; `add` with a stored id replaces
     * that version). Old versions are bounded per field and kind: see the adapter's retention.
     */
    history(fieldId: string, filter?: PrescriptionHistoryFilter): Promise<Prescription[]>;
  };
  scenes: {
    add(scene: SceneRecord, perField: readonly FieldSceneIndices[]): Promise<void>;
    has(ownerCoopId: string | null, id: string): Promise<boolean>;
    /**
     * Scenes oldest first. `visibleTo`: the cooperative's own and the shared ones (what its
     * fields may use); without it, every scene (admins, the service).
     */
    list(filter?: { visibleTo?: string }): Promise<SceneRecord[]>;
    /**
     * A field's indices from every scene, oldest first; `visibleTo`: only from the
     * cooperative's own and the shared scenes (a field's own cooperative, for its series).
     */
    fieldSeries(fieldId: string, filter?: { visibleTo?: string }): Promise<FieldSceneIndices[]>;
    /**
     * Replaces the indices of fields in scenes already stored (zones applied: the new zones'
     * indices), leaving the scene's record and every other field's row as they are. An entry for
     * a (field, scene) with no stored row is skipped; returns how many rows were replaced.
     */
    replaceFieldIndices(entries: readonly FieldSceneIndices[]): Promise<number>;
    /** Records a scene that failed (its files already moved aside by the caller). */
    quarantine(entry: QuarantinedScene): Promise<void>;
    /** Quarantined scenes newest first; `coopId`: that cooperative's and the shared ones. */
    quarantined(filter?: { coopId?: string }): Promise<QuarantinedScene[]>;
  };
  parameterSets: {
    /** Publishes the next version of the cooperative's parameter set, as `author` at `atMs`. */
    add(
      coopId: string,
      input: ParameterSetInput,
      published: { author: string; atMs: number },
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
    /**
     * Deletes the cooperative's field-season (`fieldId` given) or its whole season; returns how
     * many rows went. Another cooperative's rows are never touched.
     */
    delete(coopId: string, target: { season: string; fieldId?: string }): Promise<number>;
  };
  fertiliserApplications: {
    /** Records an application; the registry numbers it. */
    add(application: NewFertiliserApplication): Promise<FertiliserApplication>;
    /** The field's applications by date, oldest first (same date: in the order recorded). */
    list(fieldId: string): Promise<FertiliserApplication[]>;
    /** How many of the field's applications are dated from `fromDate` to `toDate`, inclusive. */
    count(fieldId: string, dates: { fromDate: string; toDate: string }): Promise<number>;
  };
  messages: {
    /** Adds a message; undefined when one with its `dedupeKey` exists (nothing is written). */
    enqueue(message: OutboxMessage): Promise<OutboxMessage | undefined>;
    get(id: string): Promise<OutboxMessage | undefined>;
    /**
     * `queued` messages whose time has come (`notBeforeMs` at or before `nowMs`), oldest first,
     * on the given channels only (a channel with no gateway never starves the others).
     */
    due(filter: {
      nowMs: number;
      limit: number;
      channels: readonly string[];
    }): Promise<OutboxMessage[]>;
    update(id: string, patch: OutboxMessagePatch): Promise<void>;
    /** The message a gateway id (one of its parts') belongs to. */
    byGatewayId(gatewayId: string): Promise<OutboxMessage | undefined>;
    /** Newest first. */
    list(filter: MessageFilter): Promise<OutboxMessage[]>;
    /**
     * Messages and segments handed to a gateway since `sinceMs` (sending, sent, delivered,
     * failed); `purpose`: only prescriptions, or only answers to replies.
     */
    usage(filter: {
      coopId: string;
      farmerId?: string;
      purpose?: OutboxMessage['purpose'];
      sinceMs: number;
    }): Promise<MessageUsage>;
    /**
     * The newest prescription message queued, sent or delivered to the farmer for the field and
     * kind (held and failed ones never reached the farmer).
     */
    lastForField(target: {
      farmerId: string;
      fieldId: string;
      kind: string;
    }): Promise<OutboxMessage | undefined>;
    /** Messages left `sending` (a process stopped mid-send): back to `queued`; how many. */
    requeueSending(): Promise<number>;
  };
  inbound: {
    /** Keeps a message that came in; false (nothing written) when one with its id is kept. */
    add(message: InboundMessage): Promise<boolean>;
    /** Records what came of a kept message. */
    settle(id: string, result: Pick<InboundMessage, 'command' | 'outcome'>): Promise<void>;
    /** Newest first. */
    /** Newest first (by time, then id), as the outbox. */
    list(filter: { coopId: string; limit?: number; after?: MessageKey }): Promise<InboundMessage[]>;
  };
  audit: {
    add(entry: NewAuditEntry): Promise<void>;
    /** Newest first: at most `limit`, older than `beforeId` when given. */
    list(filter: { coopId: string; limit: number; beforeId?: number }): Promise<AuditEntry[]>;
  };
  deadLetters: {
    /**
     * Identical repeats (or repeats of one `foldKey`) fold into one row with a count. Bounded
     * per cooperative and per device (the oldest rows go), so one tenant's flood cannot evict
     * another's letters.
     */
    add(deadLetter: NewDeadLetter): Promise<void>;
    /** Newest first. */
    list(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  };
  close(): Promise<void>;
}
