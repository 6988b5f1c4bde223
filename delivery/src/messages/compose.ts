import { countSms } from '../sms/index.js';
import type { IrrigationFacts, MessageFacts, NitrogenFacts, SupplyFact } from './facts.js';
import { formatDate } from './intl-format.js';
import { hasMessage, renderMessage, type MessageValues } from './render.js';
import { LOCALES, resolveLanguage, type MessageLanguage } from './resources.js';

/** The forms a message is tried in, longest first: shortened by template, never by cutting. */
export const MESSAGE_FORMS = ['long', 'short', 'shortest'] as const;
export type MessageForm = (typeof MESSAGE_FORMS)[number];

/**
 * Two segments at most: a long message costs a farmer's cooperative per segment, and three-part
 * messages reassemble out of order on some feature phones (3GPP TS 23.040 §9.2.3.24.1
 * concatenation is optional for the handset).
 */
export const MAX_SEGMENTS = 2;

export const fitsTwoSegments = (text: string): boolean => countSms(text).segments <= MAX_SEGMENTS;

export interface ComposedMessage {
  text: string;
  /** The language written in: the farmer's when supported, else English. */
  language: MessageLanguage;
  /** The form that fitted (or the shortest, when none did). */
  template: MessageForm;
  /** False when even the shortest form is over `fitsIn` (it is returned whole all the same). */
  fits: boolean;
}

export interface ComposeOptions {
  facts: MessageFacts;
  /** The farmer's BCP 47 tag (`am`, `pt-BR`); unknown languages get English. */
  language: string;
  /** Whether a text is short enough; default at most MAX_SEGMENTS SMS segments. */
  fitsIn?: (text: string) => boolean;
  /** The field's number in the farmer's list, shown so a reply can name it (`DONE 2 25`). */
  fieldNumber?: number;
}

/**
 * The farmer's message for a prescription's facts: the long form, else the short, else the
 * shortest, whichever first fits. Every form ends with how to reply.
 */
export function composeMessage(options: ComposeOptions): ComposedMessage {
  const language = resolveLanguage(options.language);
  const fitsIn = options.fitsIn ?? fitsTwoSegments;
  const key = messageKey(options.facts);
  const values = messageValues({ ...options, language });
  const forms = MESSAGE_FORMS.filter((form) => hasMessage(`${key}.${form}`, language));
  let last: ComposedMessage | undefined;
  for (const form of forms) {
    const text = renderMessage({ key: `${key}.${form}`, language, values });
    last = { text, language, template: form, fits: fitsIn(text) };
    if (last.fits) return last;
  }
  if (last === undefined) throw new Error(`no message ${key} in ${language} or English`);
  return last;
}

/** The message's key in the locale files: `irrigation.irrigate`, `nitrogen.no-need`, ... */
export function messageKey(facts: MessageFacts): string {
  if (facts.kind === 'irrigation') return `irrigation.${facts.decision}`;
  if (facts.decision === 'fertilise' && facts.product === null) return 'nitrogen.fertilise-rate';
  return `nitrogen.${facts.decision}`;
}

function messageValues(
  options: ComposeOptions & { language: MessageLanguage },
): Record<string, string | number> {
  const { facts, language } = options;
  const place = placeOf(options);
  return facts.kind === 'irrigation'
    ? { place, ...irrigationValues(facts, language) }
    : { place, ...nitrogenValues(facts) };
}

/** "Tolosa maize", "Tolosa maize (upper)", "#2 Tolosa maize (upper)". */
function placeOf(options: ComposeOptions & { language: MessageLanguage }): string {
  const { facts, language, fieldNumber } = options;
  const place =
    facts.zoneName === null
      ? facts.fieldName
      : renderMessage({
          key: 'place-zone',
          language,
          values: { field: facts.fieldName, zone: facts.zoneName },
        });
  if (fieldNumber === undefined) return place;
  return renderMessage({ key: 'place-number', language, values: { number: fieldNumber, place } });
}

function irrigationValues(facts: IrrigationFacts, language: MessageLanguage): MessageValues {
  switch (facts.decision) {
    case 'irrigate':
    case 'irrigate-limited':
      return {
        mm: facts.depthMm,
        litres: facts.litres,
        date: dateText(language, facts.byDateIso),
        amount: amountText(facts, language),
      };
    case 'water-by':
      return { date: dateText(language, facts.byDateIso) };
    case 'wait-for-rain':
    case 'no-water':
    case 'no-data':
      return {};
  }
}

/** A date in the language and the calendar its file names. */
export function dateText(language: MessageLanguage, dateIso: string): string {
  return formatDate(language, dateIso, LOCALES[language]._meta.calendar);
}

/** "12,800 L = 45 min of pumping", or the litres alone without a known supply. */
function amountText(
  facts: { litres: number; supply: SupplyFact | null },
  language: MessageLanguage,
): string {
  const { litres, supply } = facts;
  if (supply === null) return renderMessage({ key: 'amount.litres', language, values: { litres } });
  const supplyText = renderMessage({
    key: `supply.${supply.unit}`,
    language,
    values: { n: supply.amount },
  });
  return renderMessage({
    key: 'amount.with-supply',
    language,
    values: { litres, supply: supplyText },
  });
}

function nitrogenValues(facts: NitrogenFacts): MessageValues {
  switch (facts.decision) {
    case 'fertilise':
      return {
        nKgHa: facts.nKgHa,
        split: facts.split ? 'yes' : 'no',
        ...(facts.product === null
          ? {}
          : { product: facts.product.name, kg: facts.product.kg, bags: facts.product.bags }),
      };
    case 'no-need':
      return { reason: facts.reason };
    case 'no-data':
      return {};
  }
}
