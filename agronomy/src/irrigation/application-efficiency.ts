import type { IrrigationMethod } from '@shamba/schemas';

/**
 * Field application efficiency Ea by method: the share of applied water that reaches the root
 * zone. Surface (furrow) 0.60, sprinkler 0.75, drip 0.90: FAO Irrigation Water Management
 * Training Manual No. 4 (Brouwer, Prins, Heibloem 1989), §3.2. Hand watering (can or bucket, to
 * the plant) is not in the manual; 0.70 is our assumption, between furrow and sprinkler.
 */
export const APPLICATION_EFFICIENCY: Record<IrrigationMethod, number> = {
  furrow: 0.6,
  sprinkler: 0.75,
  drip: 0.9,
  hand: 0.7,
};
