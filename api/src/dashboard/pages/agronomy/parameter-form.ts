import type { z } from 'zod';
import { ParameterSetInputSchema, type ParameterSetInput } from '@shamba/schemas';
import { CROPS, fieldsFor, inputName } from './parameter-fields.js';

/** What the publish form sent, checked by the API's own schema. */
export type ParameterFormResult =
  | { ok: true; input: ParameterSetInput; values: Record<string, string> }
  | {
      ok: false;
      /** The inputs as typed, to show again. */
      values: Record<string, string>;
      /** Problems by input name (`note`, `maize.kc.mid`); `''` for the form as a whole. */
      errors: Record<string, ParameterProblem>;
    };

/**
 * What is wrong with an input, for the page to say in the user's language (`message`: the
 * schema's own English words, for anything else).
 */
export interface ParameterProblem {
  kind: 'range' | 'integer' | 'number' | 'required' | 'other';
  message: string;
}

function problemOf(issue: z.core.$ZodIssue): ParameterProblem {
  const { message } = issue;
  if (issue.code === 'too_big' || issue.code === 'too_small')
    return { kind: issue.origin === 'string' ? 'required' : 'range', message };
  if (issue.code === 'invalid_type')
    return { kind: issue.expected === 'int' ? 'integer' : 'number', message };
  return { kind: 'other', message };
}

/**
 * A decimal comma (`0,55`) is how many of our users write numbers; an empty input leaves the
 * built-in value. Anything else that is not a number stays as typed, for the schema to refuse.
 */
function numberOf(text: string): number | string {
  const n = Number(text.replace(',', '.'));
  return Number.isNaN(n) ? text : n;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * The form's inputs (`note`, `<crop>.<parameter>`) as a ParameterSetInput, validated with
 * ParameterSetInputSchema, the schema `POST /v1/coops/:id/parameter-sets` validates with, so
 * the form and the API accept and refuse the same values.
 */
export function readParameterForm(form: Record<string, unknown>): ParameterFormResult {
  const values: Record<string, string> = {};
  const text = (name: string) => (typeof form[name] === 'string' ? form[name].trim() : '');
  values.note = text('note');
  const crops: Record<string, unknown> = {};
  for (const crop of CROPS)
    for (const field of fieldsFor(crop)) {
      const name = inputName(crop, field);
      values[name] = text(name);
      if (values[name] !== '')
        setAt(crops, [crop, ...field.key.split('.')], numberOf(values[name]));
    }
  const parsed = ParameterSetInputSchema.safeParse({ note: values.note, crops });
  if (parsed.success) return { ok: true, input: parsed.data, values };
  const errors: Record<string, ParameterProblem> = {};
  for (const issue of parsed.error.issues) {
    const [head, ...rest] = issue.path.map(String);
    const name = head === 'crops' ? rest.join('.') : (head ?? '');
    errors[name] ??= problemOf(issue);
  }
  return { ok: false, values, errors };
}
