/** A connected patch of pixels of one class (4-connected). */
export interface Patch {
  label: number;
  members: number[];
}

/** Indices of the pixels next to pixel k: 8 with `diagonal`, else the 4 sharing a side. */
export type Neighbours = (k: number, diagonal: boolean) => number[];

/** Passes of the majority filter. */
const MAJORITY_PASSES = 2;
/** A pixel takes its neighbours' class when at least 5 of its 8 share it: a strict majority. */
const MAJORITY_COUNT = 5;

export interface DespeckleOptions {
  /**
   * Patches with fewer pixels are merged into a neighbour: the zone's minimum area in pixels
   * (see minZoneAreaHa in zone-area.ts).
   */
  minPatchPixels: number;
}

/**
 * Speckle removed from per-pixel classes: a 3x3 majority filter, twice, then every patch smaller
 * than the minimum zone merged into the neighbouring class it shares most border with, smallest
 * first, until none is left below it (or one patch is left). Returns the patches.
 */
export function despeckle(
  labels: readonly number[],
  neighbours: Neighbours,
  options: DespeckleOptions,
): Patch[] {
  let filtered = labels;
  for (let pass = 0; pass < MAJORITY_PASSES; pass++)
    filtered = majorityFilter(filtered, neighbours);
  return mergeSmallPatches([...filtered], { neighbours, minPatch: options.minPatchPixels });
}

/** One pass of the 3x3 majority filter: a pixel outvoted by 5 of its 8 neighbours joins them. */
function majorityFilter(labels: readonly number[], neighbours: Neighbours): number[] {
  return labels.map((label, k) => {
    const counts = new Map<number, number>();
    for (const j of neighbours(k, true)) counts.set(labels[j]!, (counts.get(labels[j]!) ?? 0) + 1);
    const [top, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [label, 0];
    return count >= MAJORITY_COUNT && top !== label ? top : label;
  });
}

/**
 * Small patches merged, the smallest first, into their most-bordering class; `labels` is updated.
 * Each merge leaves at least one patch fewer, so there are fewer merges than patches.
 */
function mergeSmallPatches(
  labels: number[],
  grid: { neighbours: Neighbours; minPatch: number },
): Patch[] {
  const sideNeighbours = (k: number) => grid.neighbours(k, false);
  const cornerNeighbours = (k: number) => grid.neighbours(k, true);
  let patches = components(labels, sideNeighbours);
  for (;;) {
    if (patches.length <= 1) break;
    const small = smallest(patches);
    if (small.members.length >= grid.minPatch) break;
    // A patch touching others only at a corner (or not at all: a field in parts) still goes.
    const into =
      mostBorderingClass(small, { labels, neighbours: sideNeighbours }) ??
      mostBorderingClass(small, { labels, neighbours: cornerNeighbours }) ??
      largestOtherClass(patches, small);
    if (into === small.label) break; // one class in separate parts: nothing to merge into
    for (const k of small.members) labels[k] = into;
    patches = components(labels, sideNeighbours);
  }
  return patches;
}

function smallest(patches: readonly Patch[]): Patch {
  return patches.reduce((a, b) => (b.members.length < a.members.length ? b : a));
}

/** The other class sharing the most pixel sides (or corners) with the patch. */
function mostBorderingClass(
  patch: Patch,
  grid: { labels: readonly number[]; neighbours: (k: number) => number[] },
): number | undefined {
  const { labels, neighbours } = grid;
  const border = new Map<number, number>();
  for (const k of patch.members)
    for (const j of neighbours(k))
      if (labels[j] !== patch.label) border.set(labels[j]!, (border.get(labels[j]!) ?? 0) + 1);
  return [...border.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

/** The class of the largest other patch: where an isolated patch goes. */
function largestOtherClass(patches: readonly Patch[], patch: Patch): number {
  const others = patches.filter((p) => p !== patch && p.label !== patch.label);
  return others.length === 0
    ? patch.label
    : others.reduce((a, b) => (b.members.length > a.members.length ? b : a)).label;
}

/** The connected patches of equal labels, in the order of their first pixel. */
export function components(
  labels: readonly number[],
  neighbours: (k: number) => number[],
): Patch[] {
  const seen = new Array<boolean>(labels.length).fill(false);
  const out: Patch[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (seen[start]) continue;
    const members: number[] = [];
    const stack = [start];
    seen[start] = true;
    while (stack.length > 0) {
      const k = stack.pop()!;
      members.push(k);
      for (const j of neighbours(k))
        if (!seen[j] && labels[j] === labels[start]) {
          seen[j] = true;
          stack.push(j);
        }
    }
    out.push({ label: labels[start]!, members });
  }
  return out;
}
