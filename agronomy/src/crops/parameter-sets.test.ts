import { describe, expect, it } from 'vitest';
import type { ParameterSet } from '@shamba/schemas';
import { cropParameters } from './crop-parameters.js';
import { cropFor, parameterSetLabel } from './parameter-sets.js';

const set: ParameterSet = {
  coopId: 'coop-a',
  version: 3,
  createdAtMs: 0,
  author: 'Dr. A',
  note: 'Debre Zeit teff trials',
  crops: { teff: { kc: { mid: 1.05 }, stages: { lateDays: 30 }, ky: 1.1 } },
};

describe('parameter sets', () => {
  it('replace only the values they give, and name themselves as the source of each', () => {
    const built = cropParameters('teff');
    const tuned = cropFor('teff', set);
    expect(tuned.kc).toEqual({
      ini: built.kc.ini,
      mid: 1.05,
      end: built.kc.end,
      source: 'parameter set coop-a@3 (Debre Zeit teff trials)',
    });
    expect(tuned.stages).toMatchObject({ iniDays: built.stages!.iniDays, lateDays: 30 });
    expect([tuned.ky, tuned.kySource]).toEqual([
      1.1,
      'parameter set coop-a@3 (Debre Zeit teff trials)',
    ]);
    // p and root depth stay the table's (assumed for teff, and still said so).
    expect(tuned.depletionFraction).toBe(built.depletionFraction);
    expect(tuned.assumed).toEqual(['rootDepthM', 'depletionFraction']);
    // Another crop, or no set: the table as it is.
    expect(cropFor('maize', set)).toEqual(cropParameters('maize'));
    expect(cropFor('teff', undefined)).toEqual(built);
    expect([parameterSetLabel(set), parameterSetLabel(undefined)]).toEqual([
      'coop-a@3',
      'built-in',
    ]);
  });
});
