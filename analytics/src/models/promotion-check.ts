/**
 * What a version must show before a cooperative's forecasts may use it. For the yield model: a
 * finite held-out evaluation (a model trained on NaN inputs saves `rmseTHa: null`), no worse than
 * FAO-33's water production function on the same held-out seasons (`meta.evaluation.fao33`, the
 * physics baseline every forecast shows beside the model): a model that loses to the baseline
 * adds nothing but a wrong number. Other kinds have no such rule yet.
 */
export function promotionRefusal(kind: string, meta: unknown): string | null {
  if (kind !== 'yield') return null;
  const broken = nonFiniteEvaluation(kind, meta);
  if (broken !== null) return broken;
  const { model, fao33 } = evaluationOf(meta) as { model: number; fao33: number };
  if (model > fao33)
    return `its held-out RMSE, ${model} t/ha, is worse than FAO-33's ${fao33} t/ha on the same seasons`;
  return null;
}

/**
 * Why a version's evaluation cannot be trusted at all (not finite, or missing), or null. Such a
 * version forecasts NaN: it is never promoted, and a promotion made before this rule is passed
 * over (see ModelStore.inUse).
 */
export function nonFiniteEvaluation(kind: string, meta: unknown): string | null {
  if (kind !== 'yield') return null;
  const { model, fao33 } = evaluationOf(meta);
  const bad = (
    [
      ['model', model],
      ['FAO-33', fao33],
    ] as const
  ).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad.length === 0) return null;
  // JSON keeps no NaN: a NaN evaluation was saved as null, and is shown as such.
  const shown = bad.map(([who, v]) => `${who} ${v === null ? 'null' : String(v as number)}`);
  return `its evaluation is not finite (held-out RMSE: ${shown.join(', ')})`;
}

function evaluationOf(meta: unknown): { model: unknown; fao33: unknown } {
  const evaluation = (meta as { evaluation?: Record<string, { rmseTHa?: unknown } | undefined> })
    ?.evaluation;
  return { model: evaluation?.model?.rmseTHa, fao33: evaluation?.fao33?.rmseTHa };
}
