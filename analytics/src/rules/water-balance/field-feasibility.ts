import {
  round,
  type Field,
  type IrrigationFeasibility,
  type IrrigationPrescription,
  type PlannedApplication,
  type SupplyAmount,
  type WaterSupply,
  type ZonePrescription,
} from '@shamba/schemas';
import {
  PUMP_HOURS_PER_DAY,
  createStepLog,
  describeSupplyAmount,
  feasiblePlan,
  pumpMinutesFor,
  volumeInSupplyUnits,
  waterSupplyOf,
  type FeasiblePlan,
  type FeasiblePlanInput,
  type ResolvedSupply,
} from '@shamba/agronomy';

/** What the field's prescription adds about its supply. */
export interface FieldSupplyParts {
  /** Whether the supply can deliver the water before the crop suffers; null without a supply or water. */
  feasibility: IrrigationFeasibility | null;
  units: SupplyAmount | null;
  pumpMinutes: number | null;
}

/**
 * Whether the zones' water can be applied in time at the field's supply, and the best plan when
 * it cannot. The time available is until the most urgent zone's Dr reaches RAW: today for a zone
 * already past it (FAO-56 eq. 84: the crop loses yield from the first day beyond RAW).
 */
export function fieldFeasibility(options: {
  field: Field;
  zones: readonly ZonePrescription[];
  /** Each zone's volume before it was rounded for display, m3 (else its `volumeM3`). */
  exactVolumes?: ReadonlyMap<string, number>;
  todayIso: string;
  horizonDays: number;
}): FieldSupplyParts {
  const resolved = waterSupplyOf(options.field);
  if (resolved === null) return { feasibility: null, units: null, pumpMinutes: null };
  const { supply } = resolved;
  const irrigated = options.zones.filter((z) => z.action === 'irrigate' && z.volumeM3 > 0);
  const exact = (z: ZonePrescription) => options.exactVolumes?.get(z.zoneId) ?? z.volumeM3;
  const volumeM3 = irrigated.reduce((s, z) => s + exact(z), 0);
  const minutes = pumpMinutesFor(supply, volumeM3);
  const parts = {
    units: roundedAmount(volumeInSupplyUnits(supply, volumeM3)),
    pumpMinutes: minutes === null ? null : Math.round(minutes),
  };
  if (irrigated.length === 0) return { ...parts, feasibility: null };
  const daysAvailable = Math.max(1, Math.min(...irrigated.map((z) => z.daysBeforeStress ?? 0)));
  const feasibility = supplyFeasibility({
    resolved,
    todayIso: options.todayIso,
    daysAvailable,
    horizonDays: options.horizonDays,
    demands: irrigated.map((z) => ({
      zoneId: z.zoneId,
      volumeM3: exact(z),
      grossDepthMm: z.grossDepthMm,
      // The zone losing the most yield per day goes first (ties: the zone furthest past RAW).
      priority: (z.expectedLossPctPerDayLate ?? 0) * 1000 + ((z.drMm ?? 0) - (z.rawMm ?? 0)) / 1000,
    })),
  });
  return { ...parts, feasibility };
}

/** The best feasible plan for the demands at a resolved supply, as a prescription records it. */
export function supplyFeasibility(
  options: Omit<FeasiblePlanInput, 'supply'> & { resolved: ResolvedSupply },
): IrrigationFeasibility {
  const { resolved, ...rest } = options;
  const plan = feasiblePlan({ ...rest, supply: resolved.supply });
  return describe(resolved, plan, options.daysAvailable);
}

/** The plan as the prescription records it: rounded for display, with its steps and summary. */
function describe(
  resolved: ResolvedSupply,
  plan: FeasiblePlan,
  daysAvailable: number,
): IrrigationFeasibility {
  const { supply } = resolved;
  const unitsOf = (m3: number) => roundedAmount(volumeInSupplyUnits(supply, m3));
  const { steps, step } = createStepLog({ digitsFor: () => 2, carry: 'exact' });
  step({
    name: 'supply capacity',
    formula: capacityFormula(resolved),
    value: plan.capacityM3PerDay,
    unit: 'm3/day',
    source: resolved.source,
  });
  step({
    name: 'water needed',
    formula: 'sum of the zones to irrigate, gross',
    value: plan.requiredM3,
    unit: 'm3',
    source: 'zones above',
  });
  step({
    name: 'days needed',
    formula: 'water needed / capacity, whole days (canal: whole turns)',
    value: plan.daysNeeded,
    unit: 'days',
    source: 'unit conversion',
  });
  step({
    name: 'deficit left',
    formula: `water needed - capacity over the ${daysAvailable} day(s) before the crop suffers`,
    value: plan.deficitLeftM3,
    unit: 'm3',
    source: 'FAO-56 eq. 84: stress starts when Dr passes RAW',
  });
  const applications: PlannedApplication[] = plan.plan.map((a) => ({
    ...a,
    volumeM3: round(a.volumeM3, 2),
    areaM2: round(a.areaM2, 1),
    units: a.units === null ? null : roundedAmount(a.units),
  }));
  return {
    supply,
    supplySource: resolved.source,
    capacityM3PerDay: round(plan.capacityM3PerDay, 2),
    capacityPerDay: unitsOf(plan.capacityM3PerDay),
    requiredM3: round(plan.requiredM3, 1),
    required: unitsOf(plan.requiredM3),
    daysAvailable,
    daysNeeded: plan.daysNeeded,
    feasible: plan.feasible,
    plan: applications,
    deficitLeftM3: round(plan.deficitLeftM3, 1),
    deficitLeft: unitsOf(plan.deficitLeftM3),
    summary: planSummary({ plan, applications, daysAvailable, unitsOf, supply }),
    steps,
  };
}

function capacityFormula({ supply, source }: ResolvedSupply): string {
  switch (supply.method) {
    case 'hand':
      return `${supply.litresPerDay} L carried a day / 1000 (${source})`;
    case 'canal':
      return `${supply.flowM3h} m3/h x ${supply.hoursPerTurn} h a turn / every ${supply.everyDays} days`;
    case 'pump':
    case 'drip':
    case 'sprinkler':
      return `${supply.flowM3h} m3/h x ${supply.hoursPerDay ?? 'default'} h a day (${supply.method})`;
  }
}

function planSummary(p: {
  plan: FeasiblePlan;
  applications: readonly PlannedApplication[];
  daysAvailable: number;
  unitsOf: (m3: number) => SupplyAmount;
  supply: WaterSupply;
}): string {
  const { plan, applications, daysAvailable, unitsOf } = p;
  const when = daysAvailable <= 1 ? 'today' : `within ${daysAvailable} days`;
  const needed = amountText(plan.requiredM3, unitsOf(plan.requiredM3));
  if (plan.feasible) return `The supply can apply the ${needed} ${when}.`;
  return (
    `Not feasible ${when}: the full refill needs ${needed}; at ${rateText(p.supply, plan)} ` +
    `it would take ${plan.daysNeeded} days. Best plan, most urgent zone first: ` +
    `${applications[0]?.dateIso ?? 'today'}: ${firstRoundText(applications)}. ` +
    `Left short ${when}: ${amountText(plan.deficitLeftM3, unitsOf(plan.deficitLeftM3))}.`
  );
}

/** What the supply gives, as the farmer knows it. */
function rateText(supply: WaterSupply, plan: FeasiblePlan): string {
  switch (supply.method) {
    case 'canal':
      return (
        `${round(supply.flowM3h * supply.hoursPerTurn, 1)} m3 a canal turn ` +
        `(${supply.hoursPerTurn} h every ${supply.everyDays} days)`
      );
    case 'hand':
      return `${supply.litresPerDay} L carried a day`;
    case 'pump':
    case 'drip':
    case 'sprinkler':
      return (
        `${round(plan.capacityM3PerDay, 1)} m3 a day ` +
        `(${supply.flowM3h} m3/h for ${supply.hoursPerDay ?? PUMP_HOURS_PER_DAY} h)`
      );
  }
}

/** The first day's (or turn's) water: which zone, how much, and the area it refills. */
function firstRoundText(applications: readonly PlannedApplication[]): string {
  return applications
    .filter((a) => a.dateIso === applications[0]?.dateIso)
    .map(
      (a) =>
        `${a.zoneId} ${a.units === null ? `${a.volumeM3} m3` : describeSupplyAmount(a.units)} ` +
        `(refills ${a.areaM2} m2 to field capacity)`,
    )
    .join(', then ');
}

function amountText(m3: number, units: SupplyAmount): string {
  return `${round(m3, 1)} m3 (${describeSupplyAmount(units)})`;
}

/**
 * The field's summary when its supply cannot refill it in time: what to do first, then what the
 * full refill would take and what is left short.
 */
export function shortSupplySummary(fieldName: string, f: IrrigationFeasibility): string {
  const when = f.daysAvailable <= 1 ? 'today' : `within ${f.daysAvailable} days`;
  return (
    `Irrigate ${fieldName} ${when} as far as the supply allows, most urgent zone first: ` +
    `${firstRoundText(f.plan)}. The full refill needs ${amountText(f.requiredM3, f.required)} ` +
    `and would take ${f.daysNeeded} days; ${amountText(f.deficitLeftM3, f.deficitLeft)} ` +
    `are left short ${when}.` +
    beyondSupplyAdvice(f)
  );
}

/**
 * Below this share of the need deliverable in time, the supply cannot carry the field: an
 * extension agronomist would say so rather than send a farmer to carry water to a few square
 * metres of it.
 */
export const MIN_USEFUL_SUPPLY_SHARE = 0.05;

/** Said when the supply can deliver less than MIN_USEFUL_SUPPLY_SHARE of the need in time. */
function beyondSupplyAdvice(f: IrrigationFeasibility): string {
  // What the plan delivers in the time available (a canal's whole turn, not its daily average).
  const share = (f.requiredM3 - f.deficitLeftM3) / f.requiredM3;
  if (!(share < MIN_USEFUL_SUPPLY_SHARE)) return '';
  const pct = share < 0.001 ? 'under 0.1' : String(round(share * 100, 1));
  return (
    ` This supply delivers ${pct} % of the need in time: water only a small part ` +
    `(a nursery, the most valuable rows) and treat the rest as rain-fed.`
  );
}

function roundedAmount(a: SupplyAmount): SupplyAmount {
  return { ...a, amount: round(a.amount, 1) };
}

/** The field's urgency: its most urgent zone's, and the largest loss a day late. */
export function mostUrgent(
  zones: readonly ZonePrescription[],
): Pick<IrrigationPrescription, 'urgency' | 'expectedLossPctPerDayLate'> {
  const order = ['today', 'by-date', 'wait-for-rain', 'none'] as const;
  const urgency = order.find((u) => zones.some((z) => z.urgency === u)) ?? 'none';
  const losses = zones.flatMap((z) =>
    z.expectedLossPctPerDayLate == null ? [] : [z.expectedLossPctPerDayLate],
  );
  return { urgency, expectedLossPctPerDayLate: losses.length === 0 ? null : Math.max(...losses) };
}
