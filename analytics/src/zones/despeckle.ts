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
/** Patches smaller than this share of the field's pixels (and than 3 pixels) are merged away. */
const MIN_PATCH_SHARE = 0.03;
const MIN_PATCH_PIXELS = 3;
/** At most this many merges: bounded work on a very speckled field, whose other small patches stay. */
const MAX_MERGES = 50;

/**
 * Speckle removed from per-pixel classes: a 3x3 majority filter, twice, then patches smaller than
 * 3 % of the field merged into the neighbour they share most border with. Returns the patches.
 */
export function despeckle(labels: readonly number[], neighbours: Neighbours): Patch[] {
  let filtered = labels;
  for (let pass = 0; pass < MAJORITY_PASSES; pass++)
    filtered = majorityFilter(filtered, neighbours);
  return mergeSmallPatches([...filtered], neighbours);
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

/** Small patches merged, one at a time, into their most-bordering class; `labels` is updated. */
function mergeSmallPatches(labels: number[], neighbours: Neighbours): Patch[] {
  const minPatch = Math.max(MIN_PATCH_PIXELS, Math.ceil(MIN_PATCH_SHARE * labels.length));
  const sideNeighbours = (k: number) => neighbours(k, false);
  let patches = components(labels, sideNeighbours);
  for (let merges = 0; merges < MAX_MERGES; merges++) {
    const small = patches.find((p) => p.members.length < minPatch && patches.length > 1);
    if (small === undefined) break;
    const into = mostBorderingClass(small, { labels, neighbours: sideNeighbours });
    if (into === undefined) break;
    for (const k of small.members) labels[k] = into;
    patches = components(labels, sideNeighbours);
  }
  return patches;
}

/** The other class sharing the most pixel sides with the patch. */
function mostBorderingClass(
  patch: Patch,
  grid: { labels: readonly number[]; neighbours: (k: number) => number[] },
): number | undefined {
  const { labels, neighbours } = grid;
  const border = new Map<number, number>();
  for (const k of patch.members)
    for (const j of neighbours(k))
      if (labels[j] !== patch.label) border.set(labels[j]!, (border.get(labels[j]!) ?? 0) + 1);
  return [...border.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
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
