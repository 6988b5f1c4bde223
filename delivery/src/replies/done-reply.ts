import { phraseWords, type ReplyToken } from './normalize.js';
import { DONE_MM_RANGE, type ParsedReply, type ReplyField } from './reply.js';

/** Unit words a farmer may type after the amount; they say nothing the number does not. */
const UNIT_WORDS = new Set(
  ['mm', 'millimetres', 'millimeters', 'milimetros', 'millimetres', 'milimita', 'ሚሜ'].flatMap(
    (unit) => [unit, unit.replace(/s$/, '')],
  ),
);

type FieldMatch =
  | { kind: 'field'; field: ReplyField; rest: ReplyToken[] }
  | { kind: 'none'; rest: ReplyToken[] }
  | { kind: 'ambiguous-field'; detail: string }
  | { kind: 'unknown-field'; detail: string };

const tokenText = (token: ReplyToken) => (token.kind === 'word' ? token.text : String(token.value));

/**
 * `DONE [field] [mm]`: the field by its name (all of it, or words that only one field's name
 * has) or by its number in the farmer's list; a farmer with one field need not name it. With
 * several fields, a lone number that is one of theirs is the field (`DONE 2`), any other lone
 * number the amount (`DONE 25`, which then lacks its field).
 */
export function parseDone(args: readonly ReplyToken[], fields: readonly ReplyField[]): ParsedReply {
  if (fields.length === 0) return unclear('no-fields', 'the sender has no fields');
  const tokens = args.filter((t) => !(t.kind === 'word' && UNIT_WORDS.has(t.text)));
  const named = matchByName(tokens, fields);
  if (named.kind === 'ambiguous-field' || named.kind === 'unknown-field')
    return unclear(named.kind, named.detail);
  const numbers = named.rest.flatMap((t) => (t.kind === 'number' ? [t.value] : []));
  if (named.kind === 'field') {
    if (numbers.length > 1) return unclear('too-many-numbers', `numbers ${numbers.join(', ')}`);
    return done(named.field, numbers[0]);
  }
  const byNumber = (n: number | undefined) => fields.find((f) => f.number === n);
  const [first, second] = numbers;
  if (numbers.length > 2) return unclear('too-many-numbers', `numbers ${numbers.join(', ')}`);
  if (numbers.length === 2) {
    const field = byNumber(first);
    return field === undefined
      ? unclear('unknown-field', `no field number ${first}`)
      : done(field, second);
  }
  const only = fields.length === 1 ? fields[0] : undefined;
  if (
    first !== undefined &&
    byNumber(first) !== undefined &&
    (only === undefined || only.number === first)
  )
    return done(byNumber(first)!, undefined);
  if (only !== undefined) return done(only, first);
  return unclear('ambiguous-field', `which of ${fields.length} fields?`);
}

function done(field: ReplyField, mm: number | undefined): ParsedReply {
  if (mm === undefined) return { kind: 'done', fieldId: field.id };
  if (mm < DONE_MM_RANGE.min || mm > DONE_MM_RANGE.max)
    return unclear(
      'amount-out-of-range',
      `${mm} mm is outside ${DONE_MM_RANGE.min}-${DONE_MM_RANGE.max} mm`,
    );
  return { kind: 'done', fieldId: field.id, mm };
}

function unclear(
  reason:
    'ambiguous-field' | 'unknown-field' | 'no-fields' | 'amount-out-of-range' | 'too-many-numbers',
  detail: string,
): ParsedReply {
  return { kind: 'unclear', command: 'done', reason, detail };
}

/**
 * The field the words name. A whole name typed in a row wins (the longest, so `maize 2` beats
 * `maize`); otherwise the words typed must all be words of exactly one field's name (`upper` for
 * `Upper maize`). Words that fit no field are unknown only when the farmer has several fields.
 */
function matchByName(tokens: readonly ReplyToken[], fields: readonly ReplyField[]): FieldMatch {
  const texts = tokens.map(tokenText);
  let best: { fields: ReplyField[]; at: number; length: number } | undefined;
  for (const field of fields) {
    const name = phraseWords(field.name);
    if (name.length === 0 || name.length < (best?.length ?? 0)) continue;
    const at = indexOfRun(texts, name);
    if (at < 0) continue;
    if (best !== undefined && best.length === name.length) best.fields.push(field);
    else best = { fields: [field], at, length: name.length };
  }
  if (best !== undefined) {
    if (best.fields.length > 1)
      return { kind: 'ambiguous-field', detail: `${best.fields.length} fields are named that` };
    const rest = [...tokens.slice(0, best.at), ...tokens.slice(best.at + best.length)];
    return { kind: 'field', field: best.fields[0]!, rest };
  }
  const words = texts.filter((_, i) => tokens[i]!.kind === 'word');
  if (words.length === 0) return { kind: 'none', rest: [...tokens] };
  const fitting = fields.filter((f) => words.every((w) => phraseWords(f.name).includes(w)));
  if (fitting.length === 1)
    return { kind: 'field', field: fitting[0]!, rest: tokens.filter((t) => t.kind === 'number') };
  if (fitting.length > 1)
    return { kind: 'ambiguous-field', detail: `"${words.join(' ')}" fits several fields` };
  if (fields.length === 1) return { kind: 'none', rest: tokens.filter((t) => t.kind === 'number') };
  const numbers = tokens.filter((t) => t.kind === 'number');
  // Words that name nothing, but numbers that name a field and an amount: the words are chatter.
  if (numbers.length === 2) return { kind: 'none', rest: numbers };
  return { kind: 'unknown-field', detail: `no field called "${words.join(' ')}"` };
}

function indexOfRun(haystack: readonly string[], needle: readonly string[]): number {
  for (let at = 0; at + needle.length <= haystack.length; at++) {
    if (needle.every((word, i) => haystack[at + i] === word)) return at;
  }
  return -1;
}
