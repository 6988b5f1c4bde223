/** What a farmer's reply can say (issue 16, "Replies, in"), and what the parser makes of it. */
export const REPLY_COMMANDS = ['done', 'rain', 'help', 'stop', 'start', 'lang'] as const;
export type ReplyCommand = (typeof REPLY_COMMANDS)[number];

/**
 * The words that start each command, in every language the cooperative's farmers use (built from
 * the message resource files; a keyword may have several words).
 */
export type ReplyKeywords = Readonly<Record<ReplyCommand, readonly string[]>>;

/** One of the farmer's fields; `number` is its 1-based place in the farmer's list (the messages show it). */
export interface ReplyField {
  id: string;
  name: string;
  number: number;
}

export interface ParseReplyOptions {
  keywords: ReplyKeywords;
  fields: readonly ReplyField[];
  /** Language codes `LANG` may switch to; defaults to the eight. */
  languages?: readonly string[];
}

/**
 * Plausible bounds, so a typo is asked about rather than entered into the water balance:
 * 200 mm is more than any one irrigation a smallholder applies (a furrow irrigation of a deep
 * loam refills about 100-150 mm of TAW, FAO-56 Table 22 ranges), 500 mm is past the heaviest
 * daily rain recorded in East Africa's highlands; a DONE of 0 mm applied nothing.
 */
export const DONE_MM_RANGE = { min: 1, max: 200 } as const;
export const RAIN_MM_RANGE = { min: 0, max: 500 } as const;

export const UNCLEAR_REASONS = [
  /** DONE without a field from a farmer with several, or a name that fits several. */
  'ambiguous-field',
  /** A field name or number that is none of the farmer's. */
  'unknown-field',
  /** The sender has no fields to report on. */
  'no-fields',
  /** RAIN without an amount. */
  'amount-missing',
  /** Outside DONE_MM_RANGE or RAIN_MM_RANGE. */
  'amount-out-of-range',
  /** More numbers than the command takes (which one is the amount?). */
  'too-many-numbers',
  /** LANG without a language. */
  'language-missing',
  /** LANG with a language the cooperative has no messages in. */
  'language-unknown',
] as const;
export type UnclearReason = (typeof UNCLEAR_REASONS)[number];

export type ParsedReply =
  | { kind: 'done'; fieldId?: string; mm?: number }
  | { kind: 'rain'; mm: number }
  | { kind: 'help' }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'lang'; language: string }
  /** A command was recognised but cannot be acted on as written: answer once, politely. */
  | { kind: 'unclear'; command: ReplyCommand; reason: UnclearReason; detail: string }
  /** Not a command at all. */
  | { kind: 'unknown' };
