import { z } from 'zod';
import am from './locales/am.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };
import id from './locales/id.json' with { type: 'json' };
import om from './locales/om.json' with { type: 'json' };
import pt from './locales/pt.json' with { type: 'json' };
import sw from './locales/sw.json' with { type: 'json' };
import vi from './locales/vi.json' with { type: 'json' };

/**
 * The languages farmers get messages in (issue 16: the seed's regions, East Africa, Brazil and
 * Southeast Asia). Adding one: a locale file in ./locales and a line here.
 */
export const SUPPORTED_LANGUAGES = ['en', 'fr', 'pt', 'sw', 'am', 'om', 'id', 'vi'] as const;
export type MessageLanguage = (typeof SUPPORTED_LANGUAGES)[number];

// The commands are the reply parser's; the locale files give each its keywords.
export { REPLY_COMMANDS, type ReplyCommand as ReplyCommandName } from '../replies/reply.js';

const keywordList = z.array(z.string().min(1)).min(1);

/**
 * A locale file as a local team edits it: `_meta` (which strings a native speaker reviewed),
 * `keywords` (the reply words, the first of each shown in messages) and `messages` (ICU
 * MessageFormat strings, nested by purpose).
 */
export const LocaleFileSchema = z.object({
  _meta: z.object({
    language: z.string(),
    /** Keys (dotted, e.g. `irrigation.irrigate.long`) a native speaker has reviewed. */
    reviewed: z.array(z.string()),
    reviewer: z.string().optional(),
    unreviewedNote: z.string(),
    /**
     * The calendar dates are written in (a CLDR calendar id, default `gregory`): Ethiopia's
     * farmers date by the Ethiopian calendar (`ethiopic`).
     */
    calendar: z.enum(['gregory', 'ethiopic']).optional(),
  }),
  keywords: z.object({
    done: keywordList,
    rain: keywordList,
    help: keywordList,
    stop: keywordList,
    start: keywordList,
    lang: keywordList,
  }),
  messages: z.record(z.string(), z.unknown()),
  /**
   * The dashboard's texts (ICU MessageFormat, nested by page): the same file, so a local team
   * translates what the farmer reads and what the cooperative's staff read in one place. A key a
   * language lacks is shown in English.
   */
  web: z.record(z.string(), z.unknown()).default({}),
});
export type LocaleFile = z.infer<typeof LocaleFileSchema>;

const FILES: Record<MessageLanguage, unknown> = { en, fr, pt, sw, am, om, id, vi };

/** Each supported language's file, checked once on load: a broken file fails loudly, here. */
export const LOCALES: Readonly<Record<MessageLanguage, LocaleFile>> = Object.fromEntries(
  SUPPORTED_LANGUAGES.map((language) => {
    const parsed = LocaleFileSchema.safeParse(FILES[language]);
    if (!parsed.success) {
      throw new Error(`messages/locales/${language}.json: ${z.prettifyError(parsed.error)}`);
    }
    return [language, parsed.data];
  }),
) as Record<MessageLanguage, LocaleFile>;

/** A locale's messages as dotted keys (`irrigation.irrigate.long`) to ICU strings. */
export function flattenMessages(tree: unknown, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new TypeError(`messages${prefix === '' ? '' : ` at ${prefix}`}: expected an object`);
  }
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') flat[path] = value;
    else Object.assign(flat, flattenMessages(value, path));
  }
  return flat;
}

export const isSupportedLanguage = (tag: string): tag is MessageLanguage =>
  (SUPPORTED_LANGUAGES as readonly string[]).includes(tag);

/**
 * The language a message is written in for a BCP 47 tag: the tag's primary subtag when we have
 * it (`pt-BR` is `pt`, `SW` is `sw`), else English.
 */
export function resolveLanguage(tag: string): MessageLanguage {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isSupportedLanguage(primary) ? primary : 'en';
}
