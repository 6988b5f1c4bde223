/**
 * Fuzzy k-means (fuzzy c-means; Bezdek 1981) as Management Zone Analyst applies it to yield and
 * canopy maps (Fridgen et al. 2004, Agron. J. 96:100-108): Euclidean distance, fuzziness
 * exponent m = 1.3, and the number of classes judged by the fuzziness performance index (FPI)
 * and the normalized classification entropy (NCE) of Odeh, Chittleborough & McBratney (1992):
 * the best c is where both are lowest.
 */
export interface FuzzyResult {
  c: number;
  /** memberships[k][i]: pixel k in class i; each row sums to 1. */
  memberships: number[][];
  centres: number[][];
  iterations: number;
  fpi: number;
  nce: number;
}

/** MZA's default fuzziness exponent. */
export const FUZZINESS = 1.3;
const MAX_ITERATIONS = 300;
const TOLERANCE = 1e-5;

export function fuzzyKMeans(
  data: readonly (readonly number[])[],
  c: number,
  m = FUZZINESS,
): FuzzyResult {
  const n = data.length;
  if (c < 2 || n < c) throw new Error(`fuzzy k-means needs 2 <= c <= n (c ${c}, n ${n})`);
  const dims = data[0]!.length;
  // Deterministic start: the points at the (i + 0.5)/c quantiles of their mean value.
  const order = data
    .map((x, k) => ({ k, key: x.reduce((s, v) => s + v, 0) / dims }))
    .sort((a, b) => a.key - b.key);
  let centres = Array.from({ length: c }, (_, i) => [
    ...data[order[Math.min(n - 1, Math.floor(((i + 0.5) / c) * n))]!.k]!,
  ]);
  let memberships = data.map(() => new Array<number>(c).fill(0));
  const exponent = 2 / (m - 1);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    let change = 0;
    const next = data.map((x, k) => {
      const d = centres.map((v) => Math.sqrt(v.reduce((s, vj, j) => s + (x[j]! - vj) ** 2, 0)));
      // On a centre (or on several at once): shared among those centres.
      const zeros = d.filter((v) => v === 0).length;
      const u =
        zeros > 0
          ? d.map((v) => (v === 0 ? 1 / zeros : 0))
          : d.map((di) => 1 / d.reduce((s, dj) => s + (di / dj) ** exponent, 0));
      u.forEach((v, i) => (change = Math.max(change, Math.abs(v - memberships[k]![i]!))));
      return u;
    });
    memberships = next;
    centres = centres.map((_, i) => {
      const w = memberships.map((u) => u[i]! ** m);
      const total = w.reduce((s, v) => s + v, 0);
      return Array.from(
        { length: dims },
        (_, j) => data.reduce((s, x, k) => s + w[k]! * x[j]!, 0) / total,
      );
    });
    if (change < TOLERANCE) break;
  }
  // FPI = 1 - (cF - 1)/(c - 1) = c/(c-1) (1 - F), F = sum u^2 / n; NCE = H / log c,
  // H = -sum u log u / n. Both 0 for crisp classes, 1 when every membership is 1/c.
  const f = memberships.reduce((s, u) => s + u.reduce((t, v) => t + v * v, 0), 0) / n;
  const h =
    -memberships.reduce((s, u) => s + u.reduce((t, v) => t + (v > 0 ? v * Math.log(v) : 0), 0), 0) /
    n;
  return {
    c,
    memberships,
    centres,
    iterations,
    fpi: (c / (c - 1)) * (1 - f),
    nce: h / Math.log(c),
  };
}

/** The c (of the results) where FPI and NCE are lowest together: least summed rank, then NCE. */
export function bestClassCount(results: readonly FuzzyResult[]): FuzzyResult {
  const rank = (key: 'fpi' | 'nce') => {
    const sorted = [...results].sort((a, b) => a[key] - b[key]);
    return (r: FuzzyResult) => sorted.indexOf(r);
  };
  const fpiRank = rank('fpi');
  const nceRank = rank('nce');
  return [...results].sort(
    (a, b) => fpiRank(a) + nceRank(a) - (fpiRank(b) + nceRank(b)) || a.nce - b.nce || a.c - b.c,
  )[0]!;
}
