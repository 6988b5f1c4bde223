// Process data variables for a rate, from the ISO 11783-11 data dictionary
// (https://www.isobus.net/isobus/dDEntity): a PDV's value (ISO 11783-10 PDV, attribute B) is a
// 32-bit signed integer in the DDI's resolution.
import { ShambaError } from '@shamba/schemas';
import type { RateUnit } from './zone-rates.js';

export const INT32_MAX = 2_147_483_647;

export interface RateDdi {
  ddi: number;
  name: string;
  /** Process data value per unit of the file's rate (mm, kg/ha). */
  perRateUnit: number;
}

/** DDI 1, Setpoint Volume Per Area Application Rate as [mm³/m²], resolution 0.01. */
export const DDI_VOLUME_PER_AREA: RateDdi = {
  ddi: 0x0001,
  name: 'Setpoint Volume Per Area Application Rate as [mm³/m²]',
  // 1 mm of water = 1 L/m² = 1e6 mm³/m², in steps of 0.01 mm³/m²: 1e8 per mm.
  perRateUnit: 1e8,
};

/** DDI 588, Setpoint Volume Per Area Application Rate as [ml/m²], resolution 0.1. */
export const DDI_VOLUME_PER_AREA_ML: RateDdi = {
  ddi: 0x024c,
  name: 'Setpoint Volume Per Area Application Rate as [ml/m²]',
  // 1 mm = 1000 ml/m², in steps of 0.1 ml/m²: 1e4 per mm.
  perRateUnit: 1e4,
};

/** DDI 6, Setpoint Mass Per Area Application Rate [mg/m²], resolution 1. */
export const DDI_MASS_PER_AREA: RateDdi = {
  ddi: 0x0006,
  name: 'Setpoint Mass Per Area Application Rate',
  // 1 kg/ha = 1e6 mg per 1e4 m² = 100 mg/m².
  perRateUnit: 100,
};

const fits = (ddi: RateDdi, rates: readonly number[]) =>
  rates.every((r) => Math.round(r * ddi.perRateUnit) <= INT32_MAX);

/**
 * The DDI for a file's rates and each rate's process data value. Water: DDI 1, which every Task
 * Controller knows, holds at most 21.47 mm (2^31 - 1 steps of 0.01 mm³/m²), below a common
 * irrigation depth; above it the whole file uses DDI 588 (ml/m², to 214,748 mm), the data
 * dictionary's entry for large volumes. Beyond that (and for mass, beyond 21,474,836 kg/ha)
 * the rate cannot be written: OUT_OF_RANGE, never a wrapped or clamped value a machine would
 * apply.
 */
export function rateDdi(unit: RateUnit, rates: readonly number[]): RateDdi {
  const choices =
    unit === 'mm' ? [DDI_VOLUME_PER_AREA, DDI_VOLUME_PER_AREA_ML] : [DDI_MASS_PER_AREA];
  const ddi = choices.find((d) => fits(d, rates));
  if (ddi === undefined)
    throw new ShambaError(
      'OUT_OF_RANGE',
      `a rate of ${Math.max(...rates)} ${unit} is beyond what ISO 11783-11 DDI ${choices
        .map((d) => d.ddi)
        .join(' or ')} can hold in 32 bits (ISOXML); use the GeoJSON or shapefile`,
    );
  return ddi;
}

export const processDataValue = (ddi: RateDdi, rate: number) => Math.round(rate * ddi.perRateUnit);

/** A DDI as ISOXML writes it in a PDV's A attribute: 4 hex digits, upper case (ISO 11783-10 PDV A). */
export const ddiHex = (ddi: number) => ddi.toString(16).toUpperCase().padStart(4, '0');
