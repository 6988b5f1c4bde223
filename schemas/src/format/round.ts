/** Rounds for display and for the numbers a prescription states (null passes through). */
export function round<T extends number | null>(value: T, digits: number): T {
  if (value === null) return value;
  const f = 10 ** digits;
  return (Math.round(value * f) / f) as T;
}
