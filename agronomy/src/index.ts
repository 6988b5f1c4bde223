// Reference evapotranspiration (FAO-56 chapters 2-3).
export {
  computeEt0,
  dailyEt0,
  hourlyEt0,
  type DailyEt0Result,
  type Et0Result,
  type HourlyEt0Result,
} from './et0/et0.js';
export { calculateEt0, type Et0Outcome } from './et0/et0-calculator.js';

// Degree-days (Baskerville & Emin 1969): single sine and single triangle, both cutoffs.
export { degreeDays } from './degree-days/degree-days.js';
export {
  MAX_DEGREE_DAY_BATCH,
  calculateDegreeDays,
  type DegreeDayOutcome,
} from './degree-days/degree-day-calculator.js';

// Weather: station readings to local days, forecasts to days, calendar arithmetic.
export {
  MIN_HOURS_PER_DAY,
  dailyWeather,
  elevationFromPressure,
  et0ForDay,
  summariseStation,
  utcOffsetMinutes,
  type DailyWeather,
  type StationWeather,
  type TimedAmount,
} from './weather/daily-weather.js';
export { forecastDays, type ForecastDay } from './weather/forecast-days.js';
export {
  addDays,
  balanceWindow,
  daysBetween,
  localDate,
  localMidnightMs,
  type BalanceWindow,
} from './weather/calendar-days.js';

// Crops: FAO-56 crop parameters and a cooperative's parameter sets.
export {
  CROP_PARAMETERS,
  DEFAULT_CROP_PARAMETERS,
  cropParameters,
  nominalSeasonDays,
  type CropParameters,
} from './crops/crop-parameters.js';
export { cropFor, parameterSetLabel } from './crops/parameter-sets.js';

// Soil water balance (FAO-56 chapter 8) for a day, a zone and a field.
export {
  adjustDepletionFraction,
  depletionFromWaterContent,
  readilyAvailableWaterMm,
  totalAvailableWaterMm,
  waterStressCoefficient,
} from './water-balance/soil-water.js';
export {
  stepWaterBalance,
  type WaterBalanceDay,
  type WaterBalanceResult,
} from './water-balance/daily-balance.js';
export {
  SOWING_ROOT_DEPTH_M,
  adjustKcForClimate,
  cropDay,
  type CropDay,
  type CropStage,
} from './water-balance/crop-coefficient.js';
export {
  CANOPY_KC_SOURCE,
  NDVI_BARE_SOIL,
  NDVI_FULL_COVER,
  canopyKc,
} from './water-balance/canopy-kc.js';
export type { ZoneSpec } from './water-balance/zone-balance.js';
export {
  MAX_BALANCE_DAYS,
  balanceField,
  fieldZones,
  type FieldBalance,
  type FieldBalanceInput,
} from './water-balance/field-balance.js';

// Soil probes: root-zone water content from the newest reading of each probe.
export {
  PROBE_LAYERS,
  latestPerDevice,
  probeReadingStep,
  rootZoneWaterContent,
} from './soil-moisture/root-zone.js';

// Irrigation: FAO application efficiencies by method.
export { APPLICATION_EFFICIENCY } from './irrigation/application-efficiency.js';
// Irrigation: the field's water supply, its capacity and units; the best feasible plan; the
// yield a day late costs.
export {
  CAN_LITRES,
  HAND_WATERING_LITRES_PER_DAY,
  HAND_WATERING_SOURCE,
  PUMP_HOURS_PER_DAY,
  capacityM3PerDay,
  describeSupplyAmount,
  pumpMinutesFor,
  supplyFlowM3h,
  volumeInSupplyUnits,
  waterSupplyOf,
  type ResolvedSupply,
} from './irrigation/water-supply.js';
export {
  feasiblePlan,
  type FeasiblePlan,
  type FeasiblePlanInput,
  type ZoneDemand,
} from './irrigation/feasible-plan.js';
export {
  STRESS_LOSS_SOURCE,
  yieldLossPerDayLate,
  type DayLateInput,
  type DayLateLoss,
} from './irrigation/stress-loss.js';

// Nitrogen: the rate, the products, the zones.
export {
  nitrogenRate,
  type NitrogenRate,
  type NitrogenRateInput,
} from './nitrogen/nitrogen-rate.js';
export {
  SBNRC_COEFFICIENTS,
  type SbnrcCoefficients,
  type SensingWindow,
} from './nitrogen/sbnrc-coefficients.js';
export {
  BAG_KG,
  N_PRODUCTS,
  appliedNKgHa,
  isNProduct,
  productFor,
  type NProduct,
  type ProductAmount,
} from './nitrogen/fertiliser-products.js';
export {
  N_SCENE_MAX_AGE_DAYS,
  zoneNitrogen,
  type ZoneNitrogenInput,
  type ZoneSensorRate,
} from './nitrogen/zone-nitrogen.js';
export { SPLIT_ABOVE_KG_N_HA, applySummary, nDose, type NDose } from './nitrogen/n-dose.js';
export {
  N_AFTER_MID_SEASON_DAYS,
  lastUsefulNDay,
  nBudget,
  type NBudget,
  type NBudgetInput,
} from './nitrogen/n-budget.js';
export { CROP_N_BUDGETS, LEGUMES, type CropNBudget } from './nitrogen/crop-n-budget.js';

// Explanations: the steps a prescription shows.
export { createStepLog, type RecordStep, type StepEntry } from './explain/step-log.js';
