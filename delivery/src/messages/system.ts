import { renderMessage, type MessageValues } from './render.js';
import { resolveLanguage, type MessageLanguage } from './resources.js';

/**
 * The short texts the dispatcher and the reply parser answer with, in every language: what a
 * farmer can reply, STOP and START confirmed, a language change, a reply not understood, a number
 * the cooperative does not know, a DONE or RAIN recorded, and a DONE to a fertiliser message.
 */
export const SYSTEM_MESSAGES = [
  'help',
  'stopped',
  'started',
  'language-changed',
  'not-understood',
  'unknown-number',
  'done-recorded',
  'applied-recorded',
  'rain-recorded',
] as const;
export type SystemMessageKey = (typeof SYSTEM_MESSAGES)[number];

/**
 * A system text in the farmer's language (English for an unknown one). Values: `done-recorded`
 * takes `{mm, field}`, `applied-recorded` (a DONE to a fertiliser message: no amount) takes
 * `{field}`, `rain-recorded` takes `{mm}`; the reply keywords come from the language.
 */
export function systemMessage(options: {
  key: SystemMessageKey;
  language: string;
  values?: MessageValues;
}): { text: string; language: MessageLanguage } {
  const language = resolveLanguage(options.language);
  const text = renderMessage({
    key: `system.${options.key}`,
    language,
    ...(options.values === undefined ? {} : { values: options.values }),
  });
  return { text, language };
}
