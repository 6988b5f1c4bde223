/**
 * Numbers and dates as each language writes them, from the runtime's ICU data (`Intl`). A runtime
 * built without a language's data (Node with small-icu, some phones' JS engines) falls back to
 * English forms rather than to whatever its default locale is.
 */

/**
 * The no-break spaces CLDR groups digits with (fr `12 800` is U+202F, others U+00A0) are outside
 * the GSM 7-bit alphabet (3GPP TS 23.038 §6.2.1): one would turn a French message into UCS-2 and
 * double its cost. A plain space reads the same on a phone.
 */
const NO_BREAK_SPACES = /[\u00A0\u202F]/gu;

export function plainSpaces(text: string): string {
  return text.replace(NO_BREAK_SPACES, ' ');
}

/** The tag `Intl` should use for a language: itself when the runtime has its data, else `en`. */
export function intlLocale(language: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([language]).length > 0 ? language : 'en';
  } catch {
    return 'en'; // not a well-formed tag
  }
}

/** A number as the language writes it (`12,800` en, `12 800` fr, `12.800` pt), up to 1 decimal. */
export function formatNumber(language: string, value: number): string {
  const format = new Intl.NumberFormat(intlLocale(language), { maximumFractionDigits: 1 });
  return plainSpaces(format.format(value));
}

/**
 * A calendar date (`YYYY-MM-DD`) as day and short month (`Dec 5`, `5 déc.`, `5 thg 12`), in a
 * CLDR calendar (`ethiopic`: 2026-12-05 is `ኅዳር 26` in Amharic).
 */
export function formatDate(language: string, dateIso: string, calendar = 'gregory'): string {
  const format = new Intl.DateTimeFormat(`${intlLocale(language)}-u-ca-${calendar}`, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  // Noon UTC: the same calendar day whatever the runtime's zone. An abbreviation's dot at the
  // end (`5 déc.`, `5 de dez.`) would double the full stop of a sentence that ends on the date.
  return plainSpaces(format.format(new Date(`${dateIso}T12:00:00Z`))).replace(/\.$/u, '');
}
