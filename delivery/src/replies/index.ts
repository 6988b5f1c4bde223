export { parseReply } from './parse-reply.js';
export { DEFAULT_REPLY_LANGUAGES } from './languages.js';
export { asciiDigits, normalizeReplyText } from './normalize.js';
export {
  DONE_MM_RANGE,
  RAIN_MM_RANGE,
  REPLY_COMMANDS,
  UNCLEAR_REASONS,
  type ParseReplyOptions,
  type ParsedReply,
  type ReplyCommand,
  type ReplyField,
  type ReplyKeywords,
  type UnclearReason,
} from './reply.js';
