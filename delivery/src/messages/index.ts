// The texts a farmer receives, in their language, from locale files a local team edits
// (./locales/<lang>.json: ICU MessageFormat through i18next + i18next-icu).
export {
  messageFacts,
  type IrrigationFacts,
  type MessageFacts,
  type MessageFactsOptions,
  type NitrogenFacts,
  type SupplyFact,
} from './facts.js';
export {
  composeMessage,
  dateText,
  fitsTwoSegments,
  messageKey,
  MAX_SEGMENTS,
  MESSAGE_FORMS,
  type ComposedMessage,
  type ComposeOptions,
  type MessageForm,
} from './compose.js';
export { systemMessage, SYSTEM_MESSAGES, type SystemMessageKey } from './system.js';
export { foldKeyword, replyKeywordsFor, REPLY_KEYWORDS } from './keywords.js';
export {
  isSupportedLanguage,
  resolveLanguage,
  SUPPORTED_LANGUAGES,
  type MessageLanguage,
  type ReplyCommandName,
} from './resources.js';
export { formatDate, formatNumber } from './intl-format.js';
export { replyWords, webText } from './render.js';
