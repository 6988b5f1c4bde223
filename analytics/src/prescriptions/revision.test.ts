import { describe, expect, it } from 'vitest';
import type { IrrigationPrescription, NitrogenPrescription } from '@shamba/schemas';
import { asNewVersion, asSameVersion, changesFrom, newVersionId, reasonsFor } from './revision.js';

const AUG_12 = Date.parse('2026-08-12T21:00:00Z');

const nitrogen = (
  nKgHa: number,
  over: Partial<NitrogenPrescription> = {},
): NitrogenPrescription => ({
  id: 'n-1',
  kind: 'nitrogen',
  fieldId: 'field-1',
  coopId: 'coop-a',
  createdAtMs: AUG_12,
  asOfMs: AUG_12,
  action: nKgHa > 0 ? 'fertilise' : 'none',
  nKgHa,
  zones: [],
  summary: '',
  parameters: {},
  provenance: {
    rule: { name: 'osu-sbnrc-nitrogen', version: '1.0.0' },
    parameterSet: 'built-in',
    sceneId: 'S2-A',
    forecastIssuedAt: null,
  },
  inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
  steps: [],
  ...over,
});

/** What every kind has, from a nitrogen prescription. */
function withoutNitrogen(p: NitrogenPrescription) {
  const { kind, action, nKgHa, zones, ...base } = p;
  void [kind, action, nKgHa, zones];
  return base;
}

const irrigation = (grossDepthMm: number): IrrigationPrescription => ({
  ...withoutNitrogen(nitrogen(0)),
  kind: 'irrigation',
  action: grossDepthMm > 0 ? 'irrigate' : 'none',
  netDepthMm: grossDepthMm * 0.6,
  grossDepthMm,
  volumeM3: grossDepthMm * 10,
  method: 'furrow',
});

describe('prescription revisions', () => {
  it('says why a version was made: readings, rule, parameter set, scene, forecast, requests', () => {
    const previous = nitrogen(30);
    const next = nitrogen(30, {
      asOfMs: AUG_12 + 900_000,
      provenance: {
        rule: { name: 'osu-sbnrc-nitrogen', version: '1.1.0' },
        parameterSet: 'coop-a@3',
        sceneId: 'S2-B',
        forecastIssuedAt: '2026-08-12T06:00:00Z',
      },
    });
    expect(reasonsFor(next, { previous, requested: ['fertiliser recorded'] })).toEqual([
      'fertiliser recorded',
      'new readings up to 2026-08-12T21:15:00.000Z',
      'rule osu-sbnrc-nitrogen@1.0.0 → osu-sbnrc-nitrogen@1.1.0',
      'parameter set built-in → coop-a@3',
      'scene S2-A → S2-B',
      'forecast issue none → 2026-08-12T06:00:00Z',
    ]);
    expect(reasonsFor(next, { previous: undefined })).toEqual([
      'first nitrogen prescription of the field',
    ]);
    // Nothing the service can name moved: the rule's own test said the previous no longer held.
    expect(reasonsFor(previous, { previous })).toEqual([
      'osu-sbnrc-nitrogen no longer held the previous one',
    ]);
  });

  it('says what changed in the advice, ignoring moves below what a farmer is told', () => {
    expect(changesFrom(nitrogen(30), nitrogen(0))).toEqual([
      { what: 'action', from: 'fertilise', to: 'none' },
      { what: 'nKgHa', from: 30, to: 0 },
    ]);
    expect(changesFrom(irrigation(20), irrigation(20.004))).toEqual([]);
    expect(changesFrom(irrigation(20), irrigation(25))).toEqual([
      { what: 'grossDepthMm', from: 20, to: 25 },
      { what: 'volumeM3', from: 200, to: 250 },
    ]);
    expect(changesFrom(undefined, irrigation(25))).toEqual([]);
  });

  it('numbers versions after the previous, and keeps a remade version under its id', () => {
    const v1 = asNewVersion(irrigation(0), { id: 'v-1', previous: undefined });
    const v2 = asNewVersion(irrigation(20), {
      id: 'v-2',
      previous: v1,
      requested: ['zones applied'],
    });
    expect(v2.revision).toEqual({
      number: 2,
      previousId: 'v-1',
      reasons: ['zones applied'],
      changes: [
        { what: 'action', from: 'none', to: 'irrigate' },
        { what: 'grossDepthMm', from: 0, to: 20 },
        { what: 'volumeM3', from: 0, to: 200 },
      ],
    });
    // A version stored before revisions counts as the first.
    const { revision, ...legacy } = irrigation(0);
    void revision;
    expect(asNewVersion(irrigation(0), { id: 'v-9', previous: legacy }).revision?.number).toBe(2);
    // Remade in the same pass (0 → 0 mm after fusion): v-2's id and reasons, changes against v-1.
    expect(asSameVersion({ ...irrigation(0), id: 'rule-id' }, v2, v1)).toEqual({
      ...irrigation(0),
      id: 'v-2',
      revision: { ...v2.revision, changes: [] },
    });
    expect(newVersionId(v1, () => 'abc')).toBe('field-1:irrigation:abc');
    expect(newVersionId(v1)).not.toBe(newVersionId(v1));
  });
});
