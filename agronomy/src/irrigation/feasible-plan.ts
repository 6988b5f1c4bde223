import type { PlannedApplication, WaterSupply } from '@shamba/schemas';
import { addDays } from '../weather/calendar-days.js';
import { capacityM3PerDay, volumeInSupplyUnits } from './water-supply.js';

/** What one zone needs now, and how urgently (a higher priority is watered first). */
export interface ZoneDemand {
  zoneId: string;
  volumeM3: number;
  /** The gross depth the volume is worked out at, mm (for the area a volume refills). */
  grossDepthMm: number;
  /** Yield lost per day late, %, then Dr beyond RAW: what orders the zones. */
  priority: number;
}

export interface FeasiblePlanInput {
  supply: WaterSupply;
  demands: readonly ZoneDemand[];
  todayIso: string;
  /** Days before the crop suffers: 1 when a zone is already past RAW (water it today). */
  daysAvailable: number;
  /** How many days ahead the plan is laid out (the forecast horizon). */
  horizonDays: number;
}

export interface FeasiblePlan {
  capacityM3PerDay: number;
  requiredM3: number;
  /** What the supply can deliver within the days available, m3. */
  availableM3: number;
  daysNeeded: number;
  feasible: boolean;
  plan: PlannedApplication[];
  deficitLeftM3: number;
}

/** A canal delivers in turns; everything else every day. */
function rounds(supply: WaterSupply): { m3PerRound: number; daysPerRound: number } {
  return supply.method === 'canal'
    ? { m3PerRound: supply.flowM3h * supply.hoursPerTurn, daysPerRound: supply.everyDays }
    : { m3PerRound: capacityM3PerDay(supply), daysPerRound: 1 };
}

/**
 * The best the supply can do: the volume compared with what it delivers before the crop suffers,
 * and the water laid out day by day (by canal turn for a canal), the most urgent zone first and
 * each zone finished before the next is started: a part of a zone refilled to field capacity
 * holds its crop through the days between, where the same water spread thin over every zone
 * would evaporate from the surface (FAO-56 ch. 8: irrigate to refill, not to wet).
 */
export function feasiblePlan(input: FeasiblePlanInput): FeasiblePlan {
  const { supply, todayIso } = input;
  const { m3PerRound, daysPerRound } = rounds(supply);
  const requiredM3 = input.demands.reduce((s, d) => s + d.volumeM3, 0);
  // Within the days available the supply gives at least one round (a farmer takes the turn they have).
  const roundsAvailable = Math.max(1, Math.floor(input.daysAvailable / daysPerRound));
  const availableM3 = m3PerRound * roundsAvailable;
  const roundsNeeded = m3PerRound <= 0 ? Infinity : Math.ceil(requiredM3 / m3PerRound - 1e-9);
  const queue = [...input.demands]
    .filter((d) => d.volumeM3 > 0)
    .sort((a, b) => b.priority - a.priority || a.zoneId.localeCompare(b.zoneId))
    .map((d) => ({ ...d, leftM3: d.volumeM3 }));
  const plan: PlannedApplication[] = [];
  const maxRounds = Math.max(1, Math.ceil(input.horizonDays / daysPerRound));
  for (let round = 0; round < maxRounds && queue.some((d) => d.leftM3 > 1e-9); round++) {
    let capacity = m3PerRound;
    const dateIso = addDays(todayIso, round * daysPerRound);
    for (const zone of queue) {
      if (capacity <= 1e-9) break;
      const give = Math.min(capacity, zone.leftM3);
      if (give <= 1e-9) continue;
      zone.leftM3 -= give;
      capacity -= give;
      plan.push({
        dateIso,
        zoneId: zone.zoneId,
        volumeM3: give,
        areaM2: zone.grossDepthMm > 0 ? (give / zone.grossDepthMm) * 1000 : 0,
        units: volumeInSupplyUnits(supply, give),
      });
    }
  }
  return {
    capacityM3PerDay: capacityM3PerDay(supply),
    requiredM3,
    availableM3,
    daysNeeded: roundsNeeded * daysPerRound,
    feasible: requiredM3 <= availableM3 + 1e-9,
    plan,
    deficitLeftM3: Math.max(0, requiredM3 - availableM3),
  };
}
