import { keywordPlaces, replyWords, type ReplyWords } from './keyword-match.js';
import { phraseWords, type ReplyToken } from './normalize.js';
import type { ReplyCommand, ReplyField } from './reply.js';

const tokenText = (token: ReplyToken | undefined) =>
  token === undefined ? undefined : token.kind === 'word' ? token.text : String(token.value);

/** Where a field's name (folded words) is typed in the reply from `from` on; -1 when it is not. */
function indexOfName(
  tokens: readonly ReplyToken[],
  words: readonly string[],
  from: number,
): number {
  for (let at = from; at + words.length <= tokens.length; at++) {
    if (words.every((word, i) => tokenText(tokens[at + i]) === word)) return at;
  }
  return -1;
}

/** Every place a stop keyword is typed, after the leading command's keyword. */
function stopRuns(
  reply: ReplyWords,
  stopKeywords: readonly string[],
  after: number,
): { at: number; length: number }[] {
  return stopKeywords.flatMap((keyword) => {
    const words = replyWords(keyword);
    const length = words.tokens.length;
    return keywordPlaces(reply, words, after).map((at) => ({ at, length }));
  });
}

/**
 * Whether a reply that starts with another command (or with none) still means STOP: a stop
 * keyword anywhere in it (`Please STOP`, `Ok STOP`, `Tolong berhenti`, `HELP STOP`) opts the
 * farmer out. Opting out must never be missed (a farmer who said stop and still gets messages
 * is the one mistake that cannot be answered away), so stop wins over every other command; a
 * wrong stop costs a confirmation that tells the farmer to reply START.
 *
 * The one exception is a word the leading command's grammar takes: after DONE, the whole name of
 * one of the farmer's fields that holds a stop word (`DONE Bus stop 20` for a field called "Bus
 * stop"; DONE then reads, or asks about, that field). A stop word outside every whole field name,
 * or in a partly typed name (`DONE stop 20`), still stops.
 */
export function meansStop(options: {
  reply: ReplyWords;
  stopKeywords: readonly string[];
  /** The command the reply starts with and its keyword's length in tokens. */
  command: { command: ReplyCommand; length: number } | undefined;
  fields: readonly ReplyField[];
}): boolean {
  const { reply, command } = options;
  const runs = stopRuns(reply, options.stopKeywords, command?.length ?? 0);
  if (runs.length === 0) return false;
  if (command?.command !== 'done') return true;
  const inside = (run: { at: number; length: number }, name: { at: number; length: number }) =>
    run.at >= name.at && run.at + run.length <= name.at + name.length;
  const names = options.fields.flatMap((field) => {
    const words = phraseWords(field.name);
    const at = words.length === 0 ? -1 : indexOfName(reply.tokens, words, command.length);
    return at < 0 ? [] : [{ at, length: words.length }];
  });
  return !runs.every((run) => names.some((name) => inside(run, name)));
}
