import type { Field, SupplyAmount, WaterSupply } from '@shamba/schemas';

/**
 * Assumed, for a cooperative to replace: WHO's figure is domestic water (drinking and hygiene),
 * not water carried to a plot, and no published figure for watering-can irrigation was found.
 * What a household watering by hand carries in a day when the registry does not say, litres:
 * about 20 litres per person per day, the quantity WHO finds people collect when they carry it
 * from a source 100-1000 m or 5-30 minutes' round trip away ("basic access": Howard & Bartram
 * 2003, Domestic water quantity, service level and health, WHO/SDE/WSH/03.02; 20 L is also one
 * jerrycan, the container it is carried in), times a household of five (Ethiopia's rural
 * households average about five people: CSA, 2007 Population and Housing Census). It is what a
 * household can be counted on to carry, not what it might on a good day: a cooperative that
 * knows its members' wells sets the field's `waterSupply`.
 */
export const HAND_WATERING_LITRES_PER_DAY = 100;
export const HAND_WATERING_SOURCE =
  'assumed: WHO basic access, about 20 L a person a day carried (Howard & Bartram 2003), x a household of 5 (CSA 2007)';

/**
 * Hours a pump or a drip or sprinkler system runs in a day when the registry does not say: one
 * working day of an attended motor pump (smallholder pumps run while someone is at the field).
 */
export const PUMP_HOURS_PER_DAY = 8;

/** Litres in the can or jerrycan hand watering is counted in. */
export const CAN_LITRES = 20;

/** The supply a prescription plans with, and where it came from. */
export interface ResolvedSupply {
  supply: WaterSupply;
  /** `registry`, `pump flow` (from `pumpFlowM3h`) or `hand-watering default`. */
  source: string;
}

/**
 * The field's water supply: its own, else a pump of `pumpFlowM3h`, else for hand watering what a
 * household carries in a day; null when nothing is known of the capacity (a furrow or a system
 * without a registered flow).
 */
export function waterSupplyOf(
  field: Pick<Field, 'waterSupply' | 'pumpFlowM3h' | 'irrigationMethod'>,
): ResolvedSupply | null {
  if (field.waterSupply !== undefined) return { supply: field.waterSupply, source: 'registry' };
  if (field.pumpFlowM3h !== undefined) {
    return { supply: { method: 'pump', flowM3h: field.pumpFlowM3h }, source: 'pump flow' };
  }
  if (field.irrigationMethod === 'hand') {
    return {
      supply: { method: 'hand', litresPerDay: HAND_WATERING_LITRES_PER_DAY },
      source: `hand-watering default: ${HAND_WATERING_SOURCE}`,
    };
  }
  return null;
}

/** The supply's flow while it runs, m3/h, or null for hand watering. */
export function supplyFlowM3h(supply: WaterSupply): number | null {
  return supply.method === 'hand' ? null : supply.flowM3h;
}

/**
 * What the supply delivers in a day, m3: flow x hours for a pump or a system; a canal turn's
 * volume spread over the days between turns; for hand watering, the litres carried.
 */
export function capacityM3PerDay(supply: WaterSupply): number {
  switch (supply.method) {
    case 'pump':
    case 'drip':
    case 'sprinkler':
      return supply.flowM3h * (supply.hoursPerDay ?? PUMP_HOURS_PER_DAY);
    case 'canal':
      return (supply.flowM3h * supply.hoursPerTurn) / supply.everyDays;
    case 'hand':
      return supply.litresPerDay / 1000;
  }
}

/**
 * A volume in the units the farmer applies it in: minutes of pumping (or of running the drip or
 * sprinkler system), hours of canal flow, or 20-litre cans (rounded up: a part can is a trip).
 */
export function volumeInSupplyUnits(supply: WaterSupply, volumeM3: number): SupplyAmount {
  switch (supply.method) {
    case 'pump':
      return { amount: (volumeM3 / supply.flowM3h) * 60, unit: 'pump-minutes' };
    case 'drip':
    case 'sprinkler':
      return { amount: (volumeM3 / supply.flowM3h) * 60, unit: 'system-minutes' };
    case 'canal':
      return { amount: volumeM3 / supply.flowM3h, unit: 'canal-hours' };
    case 'hand':
      return { amount: Math.ceil((volumeM3 * 1000) / CAN_LITRES - 1e-9), unit: 'cans-20l' };
  }
}

/** Minutes of running the supply's flow for a volume, or null without a flow (hand watering). */
export function pumpMinutesFor(supply: WaterSupply, volumeM3: number): number | null {
  const flow = supplyFlowM3h(supply);
  return flow === null ? null : (volumeM3 / flow) * 60;
}

/** An amount as a farmer reads it: "45 min of pumping", "3.5 h of canal flow", "12 cans of 20 L". */
export function describeSupplyAmount({ amount, unit }: SupplyAmount): string {
  switch (unit) {
    case 'pump-minutes':
      return `${Math.round(amount)} min of pumping`;
    case 'system-minutes':
      return `${Math.round(amount)} min of the system running`;
    case 'canal-hours':
      return `${Math.round(amount * 10) / 10} h of canal flow`;
    case 'cans-20l':
      return `${amount} cans of ${CAN_LITRES} L`;
  }
}
