import { DAY_MS, type StoredReading } from '@shamba/schemas';
import {
  coversNewest,
  isNotApplicable,
  type PrescriptionRule,
  type RuleContext,
  type RulePlan,
} from '../rule.js';
import { stationSinceSowing } from '../station-since-sowing.js';
import { fuseZones } from './fusion-step.js';
import {
  WATER_BALANCE_RULE,
  WATER_BALANCE_TASK,
  type WaterBalanceRuleInput,
} from './water-balance-prescription.js';

/**
 * Probe readings further back than this are not read: every probe day resets a zone's Dr, so
 * only the newest few days can matter, and the balance carries Dr from there.
 */
export const PROBE_LOOKBACK_DAYS = 3;

/**
 * Irrigation by the FAO-56 water balance per zone, for a field whose station has a complete day
 * of weather; its second step fits the fusion model on the cooperative's probed zones.
 */
export const waterBalanceRule: PrescriptionRule<
  'irrigation',
  'irrigation.water-balance',
  WaterBalanceRuleInput
> = {
  ...WATER_BALANCE_RULE,
  kind: 'irrigation',
  task: WATER_BALANCE_TASK,
  async plan(field, context) {
    const station = await stationSinceSowing(field, context);
    if (isNotApplicable(station)) return station;
    const { window, weather } = station;
    const { asOfMs, store } = context;
    const probeFromMs = Math.max(window.startMs, asOfMs - PROBE_LOOKBACK_DAYS * DAY_MS);
    const [probes, status] = await context.timed('query', () =>
      Promise.all([
        store.query({ fieldId: field.id, stream: 'soil', fromMs: probeFromMs, toMs: asOfMs + 1 }),
        store.query({
          fieldId: field.id,
          stream: 'status',
          fromMs: window.startMs,
          toMs: asOfMs + 1,
        }),
      ]),
    );
    const input: WaterBalanceRuleInput = {
      field,
      utcOffsetMinutes: context.coop.utcOffsetMinutes,
      weather,
      soil: inZonesOfToday(probes, context.coop.zoneOfDevice),
      // Only the reports that carry an amount cross to the worker (the balance reads no others).
      status: status.filter((r) => r.values.appliedMm !== undefined),
      asOfMs,
      createdAtMs: context.createdAtMs,
      crop: context.crop,
      parameterSet: context.parameterSet,
      ...(context.forecast === undefined ? {} : { weatherForecast: context.forecast }),
      ...(context.scene === undefined ? {} : { scene: sceneOf(context.scene) }),
      sceneNote: context.sceneNote,
    };
    return { input } satisfies RulePlan<WaterBalanceRuleInput>;
  },
  // New readings, a new parameter set, a new scene (Kc from the canopy) or a new forecast issue.
  isCurrent: (previous, context) =>
    coversNewest(previous, context) &&
    previous.provenance.sceneId === (context.scene?.sceneId ?? null) &&
    previous.provenance.forecastIssuedAt === (context.forecast?.issuedAt ?? null),
  afterPass: (entries, deps) => fuseZones(entries, deps),
};

/** Each probe reading under its device's zone as the registry has it now (see CoopContext). */
function inZonesOfToday(
  readings: readonly StoredReading[],
  zoneOfDevice: ReadonlyMap<string, string | null>,
): StoredReading[] {
  return readings.map((r) => {
    const zoneId = zoneOfDevice.get(r.deviceId);
    return zoneId === undefined || zoneId === r.zoneId ? r : { ...r, zoneId };
  });
}

const sceneOf = ({ sceneId, acquiredMs, ndviByZone }: NonNullable<RuleContext['scene']>) => ({
  sceneId,
  acquiredMs,
  ndviByZone,
});
