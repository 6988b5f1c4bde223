export { ERROR_CODES, ShambaError, isShambaError, type ErrorCode } from './errors/shamba-error.js';
export { truncateText } from './errors/truncate.js';
export { round } from './format/round.js';
export { DAY_MS } from './format/day-ms.js';
export { ID_PATTERN, IdSchema, isId } from './topics/ids.js';
export {
  TOPIC_ROOT,
  UP_STREAMS,
  downTopic,
  eventTopic,
  isUpStream,
  parseTopic,
  upTopic,
  type ParsedTopic,
  type UpStream,
} from './topics/topic.js';
export { QUANTITIES, quantityOf, type Quantity, type QuantityName } from './readings/quantities.js';
export {
  EARLIEST_READING_MS,
  ReadingSchema,
  checkReading,
  type Reading,
  type ReadingChecks,
  type StoredReading,
} from './readings/reading.js';
export {
  MAX_SENML_RECORDS,
  baseNameFor,
  decodeSenml,
  encodeSenml,
  type SenmlContext,
} from './codecs/senml.js';
export { SOIL_TEXTURES, SOIL_TEXTURE_NAMES, type SoilTexture } from './soil/soil-textures.js';
export {
  CoopSchema,
  DEVICE_KINDS,
  DeviceSchema,
  FarmerSchema,
  FieldSchema,
  IRRIGATION_METHODS,
  PolygonSchema,
  ROLES,
  RoleSchema,
  ZoneSchema,
  WATER_SUPPLY_METHODS,
  WaterSupplySchema,
  type WaterSupply,
  type WaterSupplyMethod,
  type Coop,
  type Device,
  type DeviceKind,
  type Farmer,
  type Field,
  type IrrigationMethod,
  type Polygon,
  type Principal,
  type Role,
  type Zone,
} from './registry/entities.js';
export {
  ComputationStepSchema,
  DEPLETION_SOURCES,
  IrrigationActionSchema,
  IrrigationPrescriptionSchema,
  NitrogenActionSchema,
  NitrogenPrescriptionSchema,
  NitrogenZoneSchema,
  PRESCRIPTION_KINDS,
  PrescriptionChangeSchema,
  PrescriptionKindSchema,
  PrescriptionRevisionSchema,
  PrescriptionSchema,
  ProvenanceSchema,
  ZoneNitrogenSchema,
  ZonePrescriptionSchema,
  IRRIGATION_URGENCIES,
  IrrigationFeasibilitySchema,
  IrrigationUrgencySchema,
  PlannedApplicationSchema,
  SUPPLY_UNITS,
  SupplyAmountSchema,
  type IrrigationFeasibility,
  type IrrigationUrgency,
  type PlannedApplication,
  type SupplyAmount,
  type ComputationStep,
  type DepletionSource,
  type IrrigationPrescription,
  type NitrogenPrescription,
  type NitrogenZone,
  type Prescription,
  type PrescriptionChange,
  type PrescriptionKind,
  type PrescriptionOf,
  type PrescriptionRevision,
  type Provenance,
  type ZoneNitrogen,
  type ZonePrescription,
} from './registry/prescriptions/index.js';
export {
  AppliedNitrogenSchema,
  BudgetNitrogenSchema,
  type AppliedNitrogen,
  type BudgetNitrogen,
} from './registry/prescriptions/nitrogen.js';
export {
  FERTILISER_AMOUNT_UNITS,
  FertiliserApplicationInputSchema,
  FertiliserApplicationSchema,
  MAX_FERTILISER_KG_HA,
  type FertiliserApplication,
  type FertiliserApplicationInput,
  type NewFertiliserApplication,
} from './registry/fertiliser-application.js';
export {
  DistributionSchema,
  FieldIndicesSchema,
  IndicesSchema,
  type Distribution,
  type FieldIndicesRecord,
  type Indices,
} from './registry/scene-indices.js';
export {
  COMPACT_EPOCH_MS,
  COMPACT_FIELDS,
  COMPACT_VERSION,
  decodeCompact,
  encodeCompact,
  isCompactPayload,
} from './codecs/compact.js';
export {
  ADVICE_PRODUCTS,
  FARMER_ADVICE_BYTES,
  FARMER_ADVICE_VERSION,
  FarmerAdviceSchema,
  IrrigationAdviceSchema,
  NITROGEN_SUPPLY_UNITS,
  NitrogenAdviceSchema,
  crc16,
  decodeFarmerAdvice,
  encodeFarmerAdvice,
  prescriptionRef,
  type FarmerAdvice,
  type IrrigationAdvice,
  type NitrogenAdvice,
} from './codecs/farmer-advice.js';
export { decodeNmeaPayload } from './codecs/nmea-payload.js';
export { decodeUplink } from './codecs/uplink.js';
export {
  MAX_SENTENCE_LENGTH,
  SYSTEM_IDS,
  TALKERS,
  checksum as nmeaChecksum,
  frame as nmeaFrame,
  isTalker,
  type Constellation,
  type Talker,
} from './nmea/sentence.js';
export {
  formatCoordinate,
  formatDate,
  formatTimeOfDay,
  parseCoordinate,
  parseDate,
  parseTimeOfDay,
} from './nmea/coordinates.js';
export {
  parseNmea,
  type GgaSentence,
  type GsaSentence,
  type GsvSatellite,
  type GsvSentence,
  type NmeaSentence,
  type OtherSentence,
  type ParseResult,
  type RmcSentence,
  type ShambaSeqSentence,
} from './nmea/parse.js';
export {
  formatGga,
  formatGsa,
  formatGsv,
  formatRmc,
  formatShambaSeq,
  type FixInput,
  type GsaInput,
  type GsvInput,
} from './nmea/format.js';
export {
  formatFki,
  formatTxa,
  formatTxr,
  parseFki,
  parseTxa,
  parseTxr,
  type FkiFeedback,
  type TxaCommand,
  type TxrMessage,
} from './nmea/rdss-sentences.js';
export {
  Et0RequestSchema,
  MAX_ET0_BATCH,
  parseEt0Request,
  type DailyEt0Request,
  type Et0Request,
  type HourlyEt0Request,
} from './agronomy/et0-request.js';
export {
  DEGREE_DAY_CUTOFFS,
  DEGREE_DAY_METHODS,
  DegreeDayRequestSchema,
  parseDegreeDayRequest,
  type DegreeDayRequest,
} from './agronomy/degree-days-request.js';
export { Et0OutcomeSchema, Et0ResultSchema } from './agronomy/et0-result.js';
export {
  CropOverrideSchema,
  ParameterSetInputSchema,
  ParameterSetSchema,
  type CropOverride,
  type ParameterSet,
  type ParameterSetInput,
} from './registry/parameter-set.js';
export {
  MAX_HISTORY_ROWS,
  SEASON_NAME,
  YieldHistoryRowSchema,
  type YieldHistoryRow,
} from './agronomy/yield-history.js';
export { WeatherForecastSchema, type WeatherForecast } from './agronomy/weather-forecast.js';
export {
  CoopProductionSchema,
  FieldForecastSchema,
  type FieldForecastView,
} from './agronomy/yield-forecast.js';
export {
  ConsentSchema,
  FARMER_CHANNELS,
  QuietHoursSchema,
  type Consent,
  type FarmerChannel,
  type QuietHours,
} from './registry/entities.js';
export {
  InboundMessageSchema,
  MESSAGE_PURPOSES,
  MESSAGE_STATES,
  OutboxMessageSchema,
  type InboundMessage,
  type MessagePurpose,
  type MessageState,
  type OutboxMessage,
} from './registry/messages.js';
export {
  ConsentInputSchema,
  FarmerInputSchema,
  FarmerPatchSchema,
  type ConsentInput,
  type FarmerInput,
  type FarmerPatch,
} from './registry/farmer-input.js';
