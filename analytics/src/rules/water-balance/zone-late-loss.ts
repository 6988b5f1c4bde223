import { round, type SupplyAmount, type WaterSupply } from '@shamba/schemas';
import {
  STRESS_LOSS_SOURCE,
  volumeInSupplyUnits,
  yieldLossPerDayLate,
  type RecordStep,
} from '@shamba/agronomy';
import type { ZoneIrrigationInput } from './zone-irrigation.js';

/**
 * The yield each day of delay costs while Dr is past RAW: Ks of the day (FAO-56 eq. 84, from the
 * depletion the day starts with) is its ETa/ETc, and FAO-33's Ky turns the day's share of the
 * season's ET shortfall into yield.
 */
export function dayLateLoss(
  input: Pick<ZoneIrrigationInput, 'crop' | 'daysAfterSowing' | 'maxRootDepthM'>,
  zone: { drMm: number; tawMm: number; p: number; kc: number },
  step: RecordStep,
): number {
  const loss = yieldLossPerDayLate({
    crop: input.crop,
    daysAfterSowing: input.daysAfterSowing,
    maxRootDepthM: input.maxRootDepthM,
    drMm: zone.drMm,
    tawMm: zone.tawMm,
    p: zone.p,
    kc: zone.kc,
  });
  step({
    name: 'Ks',
    formula: `(TAW ${round(zone.tawMm, 1)} - Dr ${round(zone.drMm, 1)}) / ((1 - p ${round(zone.p, 3)}) TAW): ETa/ETc on a day without water`,
    value: loss.ks,
    unit: '',
    source: 'FAO-56 eq. 84',
  });
  return step({
    name: 'yield loss per day late',
    formula: `100 x Ky ${input.crop.ky} x (1 - Ks ${round(loss.ks, 3)}) x Kc today / sum of Kc over the season (${round(loss.seasonShare, 5)})`,
    value: loss.lossPct,
    unit: '%',
    source: `${STRESS_LOSS_SOURCE}; Ky: ${input.crop.kySource}`,
  });
}

/** The volume in the supply's units (pump or system minutes, canal hours, 20-L cans). */
export function supplyUnitsStep(
  supply: WaterSupply,
  volumeM3: number,
  step: RecordStep,
): SupplyAmount {
  const units = volumeInSupplyUnits(supply, volumeM3);
  step({
    name: 'supply units',
    formula:
      supply.method === 'hand'
        ? `volume x 1000 / 20 L a can, rounded up`
        : supply.method === 'canal'
          ? `volume / ${supply.flowM3h} m3/h`
          : `volume / ${supply.flowM3h} m3/h x 60`,
    value: units.amount,
    unit: units.unit,
    source: 'unit conversion',
  });
  return units;
}
