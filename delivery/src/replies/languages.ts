import { SUPPORTED_LANGUAGES } from '../messages/resources.js';
import { phraseWords } from './normalize.js';

/** LANG may switch to a language the messages are written in (the locale files'). */
export const DEFAULT_REPLY_LANGUAGES = SUPPORTED_LANGUAGES;

/**
 * Names farmers call their language by that CLDR's display names (below) do not give: CLDR names
 * Afaan Oromoo "Oromoo" and Bahasa Indonesia "Indonesia".
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  om: ['Afaan Oromoo', 'Afan Oromo', 'Oromiffa', 'Oromigna', 'Oromo'],
  id: ['Bahasa Indonesia', 'Bahasa'],
  sw: ['Swahili', 'Kiswahili'],
  vi: ['Tieng Viet', 'Viet'],
  am: ['አማርኛ', 'Amarigna', 'Amharic'],
};

/** Each language's names as words: its own (Intl.DisplayNames in that language), English, aliases. */
function namesOf(code: string): string[][] {
  const names = [...(ALIASES[code] ?? [])];
  for (const locale of [code, 'en']) {
    try {
      const name = new Intl.DisplayNames([locale], { type: 'language' }).of(code);
      if (name !== undefined && name !== code) names.push(name);
    } catch {
      // not a tag Intl knows: the code itself and the aliases still match
    }
  }
  return names.map(phraseWords);
}

const NAME_CACHE = new Map<string, string[][]>();
function cachedNamesOf(code: string): string[][] {
  let names = NAME_CACHE.get(code);
  if (names === undefined) {
    names = namesOf(code);
    NAME_CACHE.set(code, names);
  }
  return names;
}

/**
 * The supported language a LANG reply names: by code (`sw`, `PT`, `pt-BR` falls back to `pt`),
 * or by a name in any case and with or without accents (`Kiswahili`, `portugues`, `አማርኛ`,
 * `Afaan Oromoo`). `words` are the reply's words after the keyword; undefined when none fits.
 */
export function matchLanguage(
  words: readonly string[],
  languages: readonly string[],
): string | undefined {
  const asCode = words.join('-');
  const byCode =
    languages.find((code) => code.toLowerCase() === asCode) ??
    languages.find((code) => code.toLowerCase() === words[0]);
  if (byCode !== undefined) return byCode;
  const asName = words.join(' ');
  return languages.find((code) =>
    cachedNamesOf(code).some((name) => name.length > 0 && name.join(' ') === asName),
  );
}
