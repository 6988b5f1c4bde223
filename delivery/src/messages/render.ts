import i18next, { type i18n } from 'i18next';
import ICU from 'i18next-icu';
import { intlLocale, plainSpaces } from './intl-format.js';
import {
  LOCALES,
  REPLY_COMMANDS,
  SUPPORTED_LANGUAGES,
  type MessageLanguage,
  type ReplyCommandName,
} from './resources.js';

/** What a template may be filled with: strings as given, numbers formatted by the language. */
export type MessageValues = Readonly<Record<string, string | number>>;

let instance: i18n | undefined;

/**
 * One i18next instance over every locale file, with ICU MessageFormat (i18next-icu over
 * intl-messageformat): plural and select rules per language from `Intl`. Built on first use,
 * synchronously (the resources are in memory: no backend, no IO).
 */
function messagesI18n(): i18n {
  if (instance !== undefined) return instance;
  const created = i18next.createInstance();
  created.use(
    new ICU({
      // A string that does not parse must fail the message, never go out as raw ICU source.
      parseErrorHandler: (error, key) => {
        throw new Error(`message ${key}: ${error.message}`, { cause: error });
      },
      parseLngForICU: intlLocale,
    }),
  );
  void created.init({
    initAsync: false,
    resources: Object.fromEntries(
      SUPPORTED_LANGUAGES.map((language) => [
        language,
        { translation: LOCALES[language].messages, web: LOCALES[language].web },
      ]),
    ),
    ns: ['translation', 'web'],
    defaultNS: 'translation',
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    nsSeparator: false,
    returnNull: false,
    returnObjects: false,
  });
  instance = created;
  return created;
}

/** The keyword a language's messages tell the farmer to reply with, per command (its first). */
export function replyWords(language: MessageLanguage): Record<ReplyCommandName, string> {
  const { keywords } = LOCALES[language];
  return Object.fromEntries(
    REPLY_COMMANDS.map((command) => [command, keywords[command][0]!.toUpperCase()]),
  ) as Record<ReplyCommandName, string>;
}

/**
 * One dashboard text (the locale file's `web` tree) in a language, English when the language
 * lacks it; the key itself when English lacks it too, so a missing text shows, never breaks a page.
 */
export function webText(key: string, language: MessageLanguage, values?: MessageValues): string {
  const i18n = messagesI18n();
  if (!i18n.exists(key, { lng: language, ns: 'web' })) return key;
  return plainSpaces(i18n.t(key, { lng: language, ns: 'web', ...values }));
}

/** Whether the language (or English, its fallback) has the key. */
export function hasMessage(key: string, language: MessageLanguage): boolean {
  return messagesI18n().exists(key, { lng: language });
}

/**
 * One message in a language, with the language's reply keywords available as `{done}`,
 * `{rain}`, `{help}`, `{stop}`, `{start}`, `{lang}`. A key the language lacks comes from English.
 */
export function renderMessage(options: {
  key: string;
  language: MessageLanguage;
  values?: MessageValues;
}): string {
  const { key, language } = options;
  const i18n = messagesI18n();
  if (!i18n.exists(key, { lng: language })) throw new Error(`no message ${key}`);
  const text = i18n.t(key, { lng: language, ...replyWords(language), ...options.values });
  return plainSpaces(text);
}
