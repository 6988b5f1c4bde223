import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../scenarios/built-in.js';
import { simulateSeasons } from './simulated-seasons.js';

describe('simulated seasons', () => {
  const base = BUILT_IN_SCENARIOS['oromia-drought']!;

  it('by default, the fields of a run share its weather-year', () => {
    const seasons = simulateSeasons({ base, count: 2, seed: 3 });
    expect(seasons).toHaveLength(8);
    expect(new Set(seasons.map((s) => s.seed)).size).toBe(2);
    expect(new Set(seasons.slice(0, 4).map((s) => s.rainFactor)).size).toBe(1);
  });

  it('with weatherPerField, each field-season has its own weather-year, the fields in turn', () => {
    const seasons = simulateSeasons({ base, count: 8, seed: 3, weatherPerField: true });
    expect(seasons).toHaveLength(8);
    expect(new Set(seasons.map((s) => s.seed)).size).toBe(8);
    expect(new Set(seasons.map((s) => s.rainFactor)).size).toBe(8);
    expect(seasons.map((s) => s.fieldId)).toEqual([
      ...base.fields.map((f) => f.id),
      ...base.fields.map((f) => f.id),
    ]);
    for (const s of seasons) expect(s.days).toHaveLength(s.seasonLengthDays);
  });
});
