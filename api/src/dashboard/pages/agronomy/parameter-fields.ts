import type { z } from 'zod';
import { CROP_PARAMETERS, type CropParameters } from '@shamba/agronomy';
import { CropOverrideSchema, type CropOverride, type ParameterSet } from '@shamba/schemas';

/** The bounds a value must keep, read from the API's own zod schema so the two never drift. */
export interface NumberRange {
  min: number;
  max: number;
  /** False where the schema says `gt(min)` (a root depth of 0 m is not a root). */
  minInclusive: boolean;
  integer: boolean;
}

/** One number an agronomist may set per crop (an optional field of CropOverrideSchema). */
export interface ParameterField {
  /** Where it sits in a crop's override, e.g. `kc.mid`; the form's input is `<crop>.<key>`. */
  key: string;
  /** Its label, under the locale file's `web.agronomy.param`. */
  labelKey: string;
  unit: string;
  range: NumberRange;
  /** The table the bounds and the built-in values come from. */
  source: string;
  /** The built-in value for the crop (null: a perennial has no stages). */
  builtIn(crop: CropParameters): number | null;
  /** Where the built-in value comes from, as the crop table says. */
  builtInSource(crop: CropParameters): string;
  read(override: CropOverride | undefined): number | undefined;
}

function rangeOf(schema: z.ZodNumber): NumberRange {
  const min = schema.minValue ?? Number.NEGATIVE_INFINITY;
  return {
    min,
    max: schema.maxValue ?? Number.POSITIVE_INFINITY,
    minInclusive: schema.safeParse(min).success,
    integer: schema.isInt,
  };
}

const shape = CropOverrideSchema.shape;
const kcShape = shape.kc.unwrap().shape;
const stageShape = shape.stages.unwrap().shape;

// The tables behind each bound and each built-in value (agronomy/src/crops/crop-parameters.ts).
const T12 = 'FAO-56 Table 12';
const T11 = 'FAO-56 Table 11';
const T22 = 'FAO-56 Table 22';
const F33 = 'FAO-33 Table 24';

function kcField(stage: 'ini' | 'mid' | 'end'): ParameterField {
  return {
    key: `kc.${stage}`,
    labelKey: `agronomy.param.kc-${stage}`,
    unit: '',
    range: rangeOf(kcShape[stage].unwrap()),
    source: T12,
    builtIn: (crop) => crop.kc[stage],
    builtInSource: (crop) => crop.kc.source,
    read: (o) => o?.kc?.[stage],
  };
}

function stageField(stage: 'iniDays' | 'devDays' | 'midDays' | 'lateDays'): ParameterField {
  return {
    key: `stages.${stage}`,
    labelKey: `agronomy.param.${stage}`,
    unit: 'd',
    range: rangeOf(stageShape[stage].unwrap()),
    source: T11,
    builtIn: (crop) => crop.stages?.[stage] ?? null,
    builtInSource: (crop) =>
      crop.stages === null ? '' : `${crop.stages.source}, ${crop.stages.region}`,
    read: (o) => o?.stages?.[stage],
  };
}

/** Every parameter the form offers, in the order FAO-56 computes with them. */
export const PARAMETER_FIELDS: readonly ParameterField[] = [
  kcField('ini'),
  kcField('mid'),
  kcField('end'),
  stageField('iniDays'),
  stageField('devDays'),
  stageField('midDays'),
  stageField('lateDays'),
  {
    key: 'rootDepthMaxM',
    labelKey: 'agronomy.param.rootDepthMaxM',
    unit: 'm',
    range: rangeOf(shape.rootDepthMaxM.unwrap()),
    source: T22,
    builtIn: (crop) => crop.rootDepthM.max,
    builtInSource: (crop) => crop.rootDepthM.source,
    read: (o) => o?.rootDepthMaxM,
  },
  {
    key: 'depletionFraction',
    labelKey: 'agronomy.param.depletionFraction',
    unit: '',
    range: rangeOf(shape.depletionFraction.unwrap()),
    source: T22,
    builtIn: (crop) => crop.depletionFraction,
    builtInSource: (crop) => crop.source,
    read: (o) => o?.depletionFraction,
  },
  {
    key: 'ky',
    labelKey: 'agronomy.param.ky',
    unit: '',
    range: rangeOf(shape.ky.unwrap()),
    source: F33,
    builtIn: (crop) => crop.ky,
    builtInSource: (crop) => crop.kySource,
    read: (o) => o?.ky,
  },
  {
    key: 'attainableYieldTHa',
    labelKey: 'agronomy.param.attainableYieldTHa',
    unit: 't/ha',
    range: rangeOf(shape.attainableYieldTHa.unwrap()),
    // FAO-33's Ym: no table gives it; the bound only catches a misplaced decimal point.
    source: 'FAO-33 Ym',
    builtIn: (crop) => crop.attainableYieldTHa,
    builtInSource: () => 'assumed: set it from the cooperative’s best plots',
    read: (o) => o?.attainableYieldTHa,
  },
];

/** The crops a parameter set may name: those the crop table knows (the API refuses others). */
export const CROPS: readonly string[] = Object.keys(CROP_PARAMETERS);

/** The fields that apply to a crop: a perennial (coffee) has no stages to override. */
export function fieldsFor(crop: string): readonly ParameterField[] {
  const params = CROP_PARAMETERS[crop];
  return PARAMETER_FIELDS.filter((f) => params !== undefined && f.builtIn(params) !== null);
}

/** The form input's name for a crop's parameter: `maize.kc.mid`. */
export function inputName(crop: string, field: ParameterField): string {
  return `${crop}.${field.key}`;
}

/** `0.1-1.5`, `> 0-3`: the bounds as the form shows them beside the input. */
export function rangeText(range: NumberRange): string {
  return `${range.minInclusive ? '' : '> '}${range.min}-${range.max}`;
}

/** A parameter set's values as the form's inputs hold them (empty: the built-in value). */
export function formValues(set: ParameterSet | undefined): Record<string, string> {
  const values: Record<string, string> = { note: '' };
  for (const crop of CROPS)
    for (const field of fieldsFor(crop)) {
      const v = field.read(set?.crops[crop]);
      values[inputName(crop, field)] = v === undefined ? '' : String(v);
    }
  return values;
}

/** One parameter two versions set differently (`undefined`: the built-in value). */
export interface ParameterChange {
  crop: string;
  field: ParameterField;
  old: number | undefined;
  new: number | undefined;
  builtIn: number | null;
}

/** Every crop parameter that differs between two versions, crop by crop in form order. */
export function parameterChanges(older: ParameterSet, newer: ParameterSet): ParameterChange[] {
  const changes: ParameterChange[] = [];
  const crops = new Set([...CROPS, ...Object.keys(older.crops), ...Object.keys(newer.crops)]);
  for (const crop of crops) {
    const params = CROP_PARAMETERS[crop];
    for (const field of PARAMETER_FIELDS) {
      const a = field.read(older.crops[crop]);
      const b = field.read(newer.crops[crop]);
      if (a === b) continue;
      changes.push({
        crop,
        field,
        old: a,
        new: b,
        builtIn: params === undefined ? null : field.builtIn(params),
      });
    }
  }
  return changes;
}
