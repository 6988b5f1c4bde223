import { normalizeReplyText, tokenizeReply, typedReplyText, type ReplyToken } from './normalize.js';

/**
 * A reply's tokens (folded: lower case, no accents) and each word as typed (accents kept, or
 * undefined where the two cuts do not pair up, which then matches on the folded word alone).
 */
export interface ReplyWords {
  tokens: ReplyToken[];
  typed: (string | undefined)[];
}

const textOf = (token: ReplyToken) => (token.kind === 'word' ? token.text : String(token.value));

/** A reply or a keyword cut into words, folded and as typed. */
export function replyWords(text: string): ReplyWords {
  const tokens = tokenizeReply(normalizeReplyText(text));
  const typed = tokenizeReply(typedReplyText(text)).map(textOf);
  return {
    tokens,
    typed: typed.length === tokens.length ? typed : tokens.map(() => undefined),
  };
}

const isPlain = (word: string) => normalizeReplyText(word) === word;

/**
 * Two words are the same when they fold alike and, where both carry accents, carry the same
 * ones: a farmer who types no accents (most feature phones) matches any spelling, but `đúng`
 * (right) or `dùng` (use) typed with their accents is not `dừng` (stop).
 */
function sameAccents(typed: string | undefined, spelt: string | undefined): boolean {
  if (typed === undefined || spelt === undefined || isPlain(typed) || isPlain(spelt)) return true;
  return typed === spelt;
}

/** Whether a keyword's words are typed at `at` in the reply. */
export function keywordAt(reply: ReplyWords, keyword: ReplyWords, at: number): boolean {
  if (keyword.tokens.length === 0) return false;
  return keyword.tokens.every((word, i) => {
    const token = reply.tokens[at + i];
    if (token === undefined || textOf(token) !== textOf(word)) return false;
    return sameAccents(reply.typed[at + i], keyword.typed[i]);
  });
}

/** Every place from `from` on where a keyword's words are typed. */
export function keywordPlaces(reply: ReplyWords, keyword: ReplyWords, from: number): number[] {
  const places: number[] = [];
  for (let at = from; at + keyword.tokens.length <= reply.tokens.length; at++) {
    if (keywordAt(reply, keyword, at)) places.push(at);
  }
  return places;
}
