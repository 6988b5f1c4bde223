import { z } from 'zod';
import { promotionRefusal, type ModelVersionEntry } from '@shamba/analytics';

/**
 * JSON keeps no NaN: a version trained on bad inputs saved `null`s; an older version may lack
 * a number altogether. Either shows as "none", never as a fault of the page.
 */
const maybe = z.number().nullable().catch(null);

/** What the page shows of a version's evaluation (YieldModelMeta['evaluation']). */
const EvaluationSchema = z.object({
  model: z.object({
    rows: maybe,
    rmseTHa: maybe,
    maeTHa: maybe,
    p10p90Coverage: maybe.optional().transform((v) => v ?? null),
  }),
  fao33: z.object({ rmseTHa: maybe, maeTHa: maybe }),
  bySeasonFraction: z
    .array(
      z.object({
        seasonFraction: z.number(),
        rows: maybe,
        coverage: maybe,
        meanBandTHa: maybe,
        modelRmseTHa: maybe,
        fao33RmseTHa: maybe,
      }),
    )
    .catch([]),
});

const MetaSchema = z.object({
  savedAtMs: z.number().optional().catch(undefined),
  data: z.object({ seasons: maybe, simulated: maybe, history: maybe }).optional().catch(undefined),
  training: z.object({ seed: maybe, epochs: maybe }).optional().catch(undefined),
  evaluation: EvaluationSchema.optional().catch(undefined),
});

export type VersionEvaluation = z.infer<typeof EvaluationSchema>;

export interface VersionSummary {
  version: string;
  /** null: a shared (base) model, adopted by cooperatives. */
  owner: string | null;
  savedAtMs: number | null;
  seasons: number | null;
  historySeasons: number | null;
  seed: number | null;
  epochs: number | null;
  evaluation: VersionEvaluation | null;
  inUse: boolean;
  /** Why it may not be promoted (see promotionRefusal), or null. */
  promotionRefused: string | null;
}

/**
 * The share of truths a P10-P90 band should hold (analytics' BAND_COVERAGE): the nominal
 * coverage the observed one is charted against.
 */
export const NOMINAL_COVERAGE = 0.8;

/** A version as the page shows it, from its meta.json (read through the schema above). */
export function summarize(entry: ModelVersionEntry, inUse: string | null): VersionSummary {
  const parsed = MetaSchema.safeParse(entry.meta);
  const meta = parsed.success ? parsed.data : {};
  return {
    version: entry.version,
    owner: entry.owner,
    savedAtMs: meta.savedAtMs ?? null,
    seasons: meta.data?.seasons ?? null,
    historySeasons: meta.data?.history ?? null,
    seed: meta.training?.seed ?? null,
    epochs: meta.training?.epochs ?? null,
    evaluation: meta.evaluation ?? null,
    inUse: entry.version === inUse,
    promotionRefused: promotionRefusal('yield', entry.meta),
  };
}

/** What the page's script charts for one version: coverage and error through the season. */
export interface CalibrationChartData {
  version: string;
  /** Share of the season's days known when forecasting, 0-1. */
  seasonFraction: number[];
  coverage: (number | null)[];
  modelRmseTHa: (number | null)[];
  fao33RmseTHa: (number | null)[];
  nominal: number;
}

export function chartData(summary: VersionSummary): CalibrationChartData {
  const rows = summary.evaluation?.bySeasonFraction ?? [];
  return {
    version: summary.version,
    seasonFraction: rows.map((r) => r.seasonFraction),
    coverage: rows.map((r) => r.coverage),
    modelRmseTHa: rows.map((r) => r.modelRmseTHa),
    fao33RmseTHa: rows.map((r) => r.fao33RmseTHa),
    nominal: NOMINAL_COVERAGE,
  };
}
