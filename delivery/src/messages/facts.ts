import type {
  Field,
  IrrigationPrescription,
  NitrogenPrescription,
  NitrogenZone,
  Prescription,
  SupplyAmount,
  ZonePrescription,
} from '@shamba/schemas';
import { roundBags, roundLitres, roundMm, roundSupplyAmount } from './rounding.js';

/** What a message says about water in the units the farmer applies it in, rounded as read. */
export interface SupplyFact {
  unit: SupplyAmount['unit'];
  amount: number;
}

interface FactsBase {
  fieldName: string;
  /** The zone the amounts are for, when the field has several and they differ; else null. */
  zoneName: string | null;
}

/**
 * Irrigation as the farmer reads it: `irrigate` (refill by the date), `irrigate-limited` (the
 * supply cannot refill in time: apply what it gives by the date; `depthMm` is the full need),
 * `water-by` (nothing yet, water by the date), `wait-for-rain`, `no-water`, `no-data`.
 */
export type IrrigationFacts = FactsBase & { kind: 'irrigation' } & (
    | {
        decision: 'irrigate' | 'irrigate-limited';
        depthMm: number;
        litres: number;
        supply: SupplyFact | null;
        byDateIso: string;
      }
    | { decision: 'water-by'; byDateIso: string }
    | { decision: 'wait-for-rain' | 'no-water' | 'no-data' }
  );

/** Nitrogen as the farmer reads it: a dose now (maybe in two halves), none needed, or no data. */
export type NitrogenFacts = FactsBase & { kind: 'nitrogen' } & (
    | {
        decision: 'fertilise';
        nKgHa: number;
        /** The field's amount of the first product named (null when none is). */
        product: { name: string; kg: number; bags: number } | null;
        /** Half now, half in 14-21 days (agronomy's split above 60 kg N/ha). */
        split: boolean;
      }
    | { decision: 'no-need'; reason: 'legume' | 'enough' }
    | { decision: 'no-data' }
  );

export type MessageFacts = IrrigationFacts | NitrogenFacts;

export interface MessageFactsOptions {
  /** IANA time zone of the cooperative: the local date of `asOfMs` when no zone gives one. */
  timeZone?: string;
  /**
   * When the message is written: no date before that local day is shown (a plan made from
   * readings a day old must not tell the farmer to act yesterday). Default: `asOfMs`.
   */
  nowMs?: number;
}

/** What a prescription's message says, per kind: numbers kept as numbers, rounded as read. */
export function messageFacts(
  prescription: Prescription,
  field: Pick<Field, 'name' | 'zones'>,
  options: MessageFactsOptions = {},
): MessageFacts {
  return prescription.kind === 'irrigation'
    ? irrigationFacts(prescription, field, options)
    : nitrogenFacts(prescription, field);
}

function irrigationFacts(
  p: IrrigationPrescription,
  field: Pick<Field, 'name' | 'zones'>,
  options: MessageFactsOptions,
): IrrigationFacts {
  const base = { kind: 'irrigation' as const, fieldName: field.name, zoneName: null };
  const zones = p.zones ?? [];
  if (p.action === 'insufficient-data') return { ...base, decision: 'no-data' };
  if (p.action === 'none') {
    const dates = zones.flatMap((z) =>
      z.urgency === 'by-date' && z.irrigateBy ? [z.irrigateBy] : [],
    );
    const first = dates.sort()[0];
    if (p.urgency === 'by-date' && first !== undefined) {
      return { ...base, decision: 'water-by', byDateIso: first };
    }
    return { ...base, decision: p.urgency === 'wait-for-rain' ? 'wait-for-rain' : 'no-water' };
  }
  const today = localDateIso(
    Math.max(p.asOfMs, options.nowMs ?? p.asOfMs),
    options.timeZone ?? 'UTC',
  );
  const urgent = mostUrgentZone(zones);
  const byDateIso = notBefore(urgent?.irrigateBy ?? today, today);
  if (p.feasibility?.feasible === false) return limitedFacts(p, { field, urgent, today });
  const irrigated = zones.filter((z) => z.action === 'irrigate');
  // The whole field when every zone (or the only one) needs water; else the most urgent zone.
  if (urgent === undefined || irrigated.length === zones.length) {
    return {
      ...base,
      decision: 'irrigate',
      depthMm: roundMm(p.grossDepthMm),
      litres: roundLitres(p.volumeM3 * 1000),
      supply: supplyFact(p.units),
      byDateIso,
    };
  }
  return {
    ...base,
    zoneName: zoneNameOf(field, urgent.zoneId),
    decision: 'irrigate',
    depthMm: roundMm(urgent.grossDepthMm),
    litres: roundLitres(urgent.litres),
    supply: supplyFact(urgent.units),
    byDateIso,
  };
}

/** The supply cannot refill the field in time: the first day's share of the best plan. */
function limitedFacts(
  p: IrrigationPrescription,
  at: { field: Pick<Field, 'name' | 'zones'>; urgent: ZonePrescription | undefined; today: string },
): IrrigationFacts {
  const plan = p.feasibility?.plan ?? [];
  const planDate = plan[0]?.dateIso ?? at.today;
  const firstDay = plan.filter((a) => a.dateIso === planDate);
  const firstDate = notBefore(planDate, at.today);
  const unit = firstDay[0]?.units?.unit;
  const amount = firstDay.reduce((s, a) => s + (a.units?.amount ?? 0), 0);
  const zoneIds = [...new Set(firstDay.map((a) => a.zoneId))];
  const zoneId = zoneIds.length === 1 && (at.field.zones?.length ?? 1) > 1 ? zoneIds[0] : undefined;
  return {
    kind: 'irrigation',
    fieldName: at.field.name,
    zoneName: zoneId === undefined ? null : zoneNameOf(at.field, zoneId),
    decision: 'irrigate-limited',
    depthMm: roundMm(at.urgent?.grossDepthMm ?? p.grossDepthMm),
    litres: roundLitres(firstDay.reduce((s, a) => s + a.volumeM3 * 1000, 0)),
    supply: unit === undefined ? null : supplyFact({ unit, amount }),
    byDateIso: firstDate,
  };
}

/** The zone losing the most yield a day late (ties: the deepest), among those to irrigate. */
function mostUrgentZone(zones: readonly ZonePrescription[]): ZonePrescription | undefined {
  const loss = (z: ZonePrescription) => z.expectedLossPctPerDayLate ?? 0;
  return zones
    .filter((z) => z.action === 'irrigate')
    .sort((a, b) => loss(b) - loss(a) || b.grossDepthMm - a.grossDepthMm)[0];
}

function supplyFact(units: SupplyAmount | null | undefined): SupplyFact | null {
  if (units == null) return null;
  return { unit: units.unit, amount: roundSupplyAmount(units) };
}

/** The zone's name; null for a zone the field does not name (the whole field stands for it). */
function zoneNameOf(field: Pick<Field, 'zones'>, zoneId: string): string | null {
  return field.zones?.find((z) => z.id === zoneId)?.name ?? null;
}

/** The later of two ISO dates. */
const notBefore = (dateIso: string, floorIso: string) => (dateIso < floorIso ? floorIso : dateIso);

const BAG_KG = 50; // fertiliser is sold in 50 kg bags across our regions (agronomy's BAG_KG)

function nitrogenFacts(
  p: NitrogenPrescription,
  field: Pick<Field, 'name' | 'zones'>,
): NitrogenFacts {
  const base = { kind: 'nitrogen' as const, fieldName: field.name, zoneName: null };
  if (p.action === 'insufficient-data') return { ...base, decision: 'no-data' };
  const dosed = p.zones.filter(
    (z): z is Extract<NitrogenZone, { products: unknown }> => 'products' in z && z.nKgHa > 0,
  );
  if (p.action === 'none' || dosed.length === 0) {
    const legume = p.zones.every((z) => z.status === 'legume');
    return { ...base, decision: 'no-need', reason: legume ? 'legume' : 'enough' };
  }
  // The product of the zone with the largest dose, summed over the zones that name it.
  const top = [...dosed].sort((a, b) => b.nKgHa - a.nKgHa)[0]!;
  const key = top.products[0]?.product;
  const amounts = dosed.flatMap((z) => z.products.filter((pr) => pr.product === key));
  const kg = amounts.reduce((s, a) => s + a.kgPerPlot, 0);
  return {
    ...base,
    decision: 'fertilise',
    nKgHa: Math.round(p.nKgHa),
    product:
      top.products[0] === undefined
        ? null
        : { name: top.products[0].name, kg: Math.round(kg), bags: roundBags(kg / BAG_KG) },
    split: dosed.some((z) => z.splits.length > 1),
  };
}

/** `YYYY-MM-DD` of an instant in a time zone ('en-CA' formats dates as ISO does). */
function localDateIso(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}
