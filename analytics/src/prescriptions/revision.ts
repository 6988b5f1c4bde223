import { randomUUID } from 'node:crypto';
import type {
  Prescription,
  PrescriptionChange,
  PrescriptionRevision,
  Provenance,
} from '@shamba/schemas';

/** What a new version is compared with, and why it was asked for. */
export interface RevisionInputs {
  /** The field's newest prescription of the same kind before this one (none: the first). */
  previous: Prescription | undefined;
  /** Why the field was made again on request (PrescriptionService.recompute's reasons). */
  requested?: readonly string[];
}

/** An amount the advice is read by, and the difference below which it did not change. */
interface Amount {
  what: string;
  of: (p: Prescription) => number | undefined;
  /**
   * Half the unit a farmer is told in (0.1 mm, 0.1 kg N/ha); for volumes 0.05 m3 (50 litres,
   * under three 20-litre jerrycans): smaller moves are arithmetic noise, not new advice.
   */
  resolution: number;
}

/** The main amounts of each kind, compared between versions. */
const AMOUNTS: readonly Amount[] = [
  {
    what: 'grossDepthMm',
    of: (p) => (p.kind === 'irrigation' ? p.grossDepthMm : undefined),
    resolution: 0.05,
  },
  {
    what: 'volumeM3',
    of: (p) => (p.kind === 'irrigation' ? p.volumeM3 : undefined),
    resolution: 0.05,
  },
  { what: 'nKgHa', of: (p) => (p.kind === 'nitrogen' ? p.nKgHa : undefined), resolution: 0.05 },
];

/**
 * A new version's id: the field, the kind and a random part, so two passes in the same
 * millisecond (or two processes) never share one and a version is never overwritten by another.
 */
export function newVersionId(p: Prescription, unique: () => string = randomUUID): string {
  return `${p.fieldId}:${p.kind}:${unique()}`;
}

/** `made` as a new version of its field's prescriptions of its kind, with `id`. */
export function asNewVersion(
  made: Prescription,
  revision: { id: string } & RevisionInputs,
): Prescription {
  return { ...made, id: revision.id, revision: revisionOf(made, revision) };
}

/**
 * A pass's second step made `again` in place of `first` (same pass, same version): it keeps
 * `first`'s id, number and reasons, and says what it changed against the same previous version.
 */
export function asSameVersion(
  again: Prescription,
  first: Prescription,
  previous: Prescription | undefined,
): Prescription {
  const revision = first.revision ?? revisionOf(first, { previous });
  return {
    ...again,
    id: first.id,
    revision: { ...revision, changes: changesFrom(previous, again) },
  };
}

/** The revision of `next` after `previous`: its number, why it was made, what changed. */
export function revisionOf(next: Prescription, inputs: RevisionInputs): PrescriptionRevision {
  const { previous } = inputs;
  return {
    // A version stored before revisions counts as the first.
    number: previous === undefined ? 1 : (previous.revision?.number ?? 1) + 1,
    previousId: previous?.id ?? null,
    reasons: reasonsFor(next, inputs),
    changes: changesFrom(previous, next),
  };
}

/** Why `next` was made: requested reasons first, then what moved in its inputs and provenance. */
export function reasonsFor(next: Prescription, inputs: RevisionInputs): string[] {
  const { previous } = inputs;
  const requested = [...(inputs.requested ?? [])];
  if (previous === undefined) return [`first ${next.kind} prescription of the field`, ...requested];
  const moved = [
    ...requested,
    ...(next.asOfMs > previous.asOfMs
      ? [`new readings up to ${new Date(next.asOfMs).toISOString()}`]
      : []),
    ...provenanceMoves(previous.provenance, next.provenance),
  ];
  // A rule's own test of currency (e.g. its inputs beyond these) said the previous one no longer held.
  return moved.length > 0
    ? moved
    : [`${previous.provenance.rule.name} no longer held the previous one`];
}

/** The parts of the provenance that differ, each as `what from → to`. */
function provenanceMoves(before: Provenance, after: Provenance): string[] {
  const rule = (p: Provenance) => `${p.rule.name}@${p.rule.version}`;
  const moves: [string, string | null | undefined, string | null | undefined][] = [
    ['rule', rule(before), rule(after)],
    ['parameter set', before.parameterSet, after.parameterSet],
    ['scene', before.sceneId, after.sceneId],
    ['forecast issue', before.forecastIssuedAt, after.forecastIssuedAt],
  ];
  return moves
    .filter(([, from, to]) => (from ?? null) !== (to ?? null))
    .map(([what, from, to]) => `${what} ${from ?? 'none'} → ${to ?? 'none'}`);
}

/** What differs in the advice from `previous` (of the same kind) to `next`: action and amounts. */
export function changesFrom(
  previous: Prescription | undefined,
  next: Prescription,
): PrescriptionChange[] {
  if (previous === undefined) return [];
  const changes: PrescriptionChange[] = [];
  if (previous.action !== next.action)
    changes.push({ what: 'action', from: previous.action, to: next.action });
  for (const { what, of, resolution } of AMOUNTS) {
    const from = of(previous);
    const to = of(next);
    if (from === undefined && to === undefined) continue;
    if (from !== undefined && to !== undefined && Math.abs(to - from) < resolution) continue;
    changes.push({ what, from: from ?? null, to: to ?? null });
  }
  return changes;
}
