import type { SupplyAmount } from '@shamba/schemas';

// Numbers as a farmer reads and applies them: a rain gauge or a can is read to the millimetre or
// the can, a pump is timed by the clock, fertiliser is bought in whole and half bags. A positive
// amount never rounds to 0: "water 0 mm" would contradict the advice it is part of.

/** Whole millimetres (at least 1 when there is water to give). */
export function roundMm(mm: number): number {
  return mm > 0 ? Math.max(1, Math.round(mm)) : 0;
}

/** Litres to 10 below 10 000, else to 100: the precision a can or a meter is read to. */
export function roundLitres(litres: number): number {
  if (litres <= 0) return 0;
  const step = litres < 10_000 ? 10 : 100;
  return Math.max(step, Math.round(litres / step) * step);
}

/** 50 kg bags to the half bag a farmer can buy or split (0 below a quarter bag). */
export function roundBags(bags: number): number {
  return Math.round(bags * 2) / 2;
}

/** Pump or system minutes to 5 (at least 5), canal hours to the half hour, cans whole (up). */
export function roundSupplyAmount({ amount, unit }: SupplyAmount): number {
  if (amount <= 0) return 0;
  switch (unit) {
    case 'pump-minutes':
    case 'system-minutes':
      return Math.max(5, Math.round(amount / 5) * 5);
    case 'canal-hours':
      return Math.max(0.5, Math.round(amount * 2) / 2);
    case 'cans-20l':
      // A part can is one more trip (agronomy's volumeInSupplyUnits rounds up too).
      return Math.ceil(amount - 1e-9);
  }
}
