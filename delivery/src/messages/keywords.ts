import {
  LOCALES,
  REPLY_COMMANDS,
  SUPPORTED_LANGUAGES,
  type ReplyCommandName,
} from './resources.js';

/**
 * Combining marks are dropped only after Latin letters (`é` = `e`, Vietnamese `xong` for `xông`):
 * in Ethiopic the marks belong to the syllable (the reply parser folds text the same way).
 */
const MARKS_AFTER_LATIN = /(\p{Script=Latin})\p{M}+/gu;

/** Latin letters without a canonical decomposition, as typed without the accent. */
const LATIN_FOLDS: Readonly<Record<string, string>> = { đ: 'd', ø: 'o', ł: 'l', ı: 'i' };

/** A keyword as a reply is matched: lower case, no accents on Latin letters, single spaces. */
export function foldKeyword(keyword: string): string {
  return keyword
    .normalize('NFD')
    .replace(MARKS_AFTER_LATIN, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[đøłı]/gu, (c) => LATIN_FOLDS[c] ?? c)
    .trim()
    .replace(/\s+/gu, ' ');
}

/** A keyword as spelt, for the parser: lower case (NFC), single spaces, accents kept. */
export function spellKeyword(keyword: string): string {
  return keyword.normalize('NFC').toLowerCase().trim().replace(/\s+/gu, ' ');
}

/** Each command's keywords in one language's file, with English's (always accepted). */
export function replyKeywordsFor(language: string): Record<ReplyCommandName, string[]> {
  const own = (SUPPORTED_LANGUAGES as readonly string[]).includes(language)
    ? [language as (typeof SUPPORTED_LANGUAGES)[number]]
    : [];
  return mergedKeywords(['en', ...own]);
}

/** One spelling per folded keyword (`stop` is English's and French's), the first met. */
function mergedKeywords(
  languages: readonly (typeof SUPPORTED_LANGUAGES)[number][],
): Record<ReplyCommandName, string[]> {
  const merged = (command: ReplyCommandName) => {
    const byFold = new Map<string, string>();
    for (const keyword of languages.flatMap((l) => LOCALES[l].keywords[command])) {
      const folded = foldKeyword(keyword);
      if (!byFold.has(folded)) byFold.set(folded, spellKeyword(keyword));
    }
    return [...byFold.values()];
  };
  return Object.fromEntries(REPLY_COMMANDS.map((command) => [command, merged(command)])) as Record<
    ReplyCommandName,
    string[]
  >;
}

/**
 * Every language's reply keywords per command, in lower case with their accents (the parser
 * folds them, and tells `dừng` stop from `đúng` right when a farmer types the accents): a farmer
 * may answer in any of them, whatever language their messages are in.
 */
export const REPLY_KEYWORDS: Readonly<Record<ReplyCommandName, readonly string[]>> =
  mergedKeywords(SUPPORTED_LANGUAGES);
