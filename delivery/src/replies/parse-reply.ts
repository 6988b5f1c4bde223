import { parseDone } from './done-reply.js';
import { DEFAULT_REPLY_LANGUAGES, matchLanguage } from './languages.js';
import { keywordAt, replyWords, type ReplyWords } from './keyword-match.js';
import type { ReplyToken } from './normalize.js';
import { meansStop } from './stop-anywhere.js';
import {
  RAIN_MM_RANGE,
  REPLY_COMMANDS,
  type ParseReplyOptions,
  type ParsedReply,
  type ReplyCommand,
} from './reply.js';

/**
 * Reads one SMS a farmer sent (issue 16, "Replies, in"): `DONE [field] [mm]`, `RAIN <mm>`, `HELP`,
 * `STOP` / `START`, `LANG <code>`, with the keywords of every language the cooperative uses.
 * Lenient about case, accents, spacing, punctuation and the script of the digits; strict about
 * amounts (out of the plausible range: `unclear`, to be asked about, never entered). Never throws.
 */
export function parseReply(text: string, options: ParseReplyOptions): ParsedReply {
  const reply = replyWords(text);
  const command = matchCommand(reply, options.keywords);
  const parsed = command === undefined ? UNKNOWN : parseCommand(command, reply.tokens, options);
  if (parsed.kind === 'stop') return parsed;
  // A stop keyword anywhere (`Please STOP`, `HELP STOP`) stops: see meansStop.
  const stop = meansStop({
    reply,
    stopKeywords: options.keywords.stop,
    command,
    fields: options.fields,
  });
  return stop ? { kind: 'stop' } : parsed;
}

const UNKNOWN: ParsedReply = { kind: 'unknown' };

function parseCommand(
  command: { command: ReplyCommand; length: number },
  tokens: readonly ReplyToken[],
  options: ParseReplyOptions,
): ParsedReply {
  const args = tokens.slice(command.length);
  switch (command.command) {
    case 'done':
      return parseDone(args, options.fields);
    case 'rain':
      return parseRain(args);
    case 'lang':
      return parseLang(args, options.languages ?? DEFAULT_REPLY_LANGUAGES);
    case 'help':
    case 'stop':
    case 'start':
      // Whatever follows (`STOP please`) changes nothing: STOP must always stop.
      return { kind: command.command };
  }
}

/** The command whose keyword the reply starts with; the longest keyword wins (`STOP ALL` over `STOP`). */
function matchCommand(
  reply: ReplyWords,
  keywords: ParseReplyOptions['keywords'],
): { command: ReplyCommand; length: number } | undefined {
  let best: { command: ReplyCommand; length: number } | undefined;
  for (const command of REPLY_COMMANDS) {
    for (const keyword of keywords[command]) {
      const words = replyWords(keyword);
      const length = words.tokens.length;
      if (length <= (best?.length ?? 0)) continue;
      if (keywordAt(reply, words, 0)) best = { command, length };
    }
  }
  return best;
}

function parseRain(args: readonly ReplyToken[]): ParsedReply {
  const numbers = args.flatMap((t) => (t.kind === 'number' ? [t.value] : []));
  const [mm] = numbers;
  const unclear = (
    reason: 'amount-missing' | 'too-many-numbers' | 'amount-out-of-range',
    detail: string,
  ) => ({ kind: 'unclear', command: 'rain', reason, detail }) as const;
  if (mm === undefined) return unclear('amount-missing', 'RAIN needs the millimetres that fell');
  if (numbers.length > 1) return unclear('too-many-numbers', `numbers ${numbers.join(', ')}`);
  if (mm < RAIN_MM_RANGE.min || mm > RAIN_MM_RANGE.max)
    return unclear(
      'amount-out-of-range',
      `${mm} mm is outside ${RAIN_MM_RANGE.min}-${RAIN_MM_RANGE.max} mm`,
    );
  return { kind: 'rain', mm };
}

function parseLang(args: readonly ReplyToken[], languages: readonly string[]): ParsedReply {
  const words = args.map((t) => (t.kind === 'word' ? t.text : String(t.value)));
  if (words.length === 0)
    return {
      kind: 'unclear',
      command: 'lang',
      reason: 'language-missing',
      detail: 'LANG needs a language',
    };
  const language = matchLanguage(words, languages);
  if (language === undefined)
    return {
      kind: 'unclear',
      command: 'lang',
      reason: 'language-unknown',
      detail: `no messages in "${words.join(' ')}"`,
    };
  return { kind: 'lang', language };
}
