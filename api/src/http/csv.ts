/** A CSV cell's value: text, a number this code computed, or nothing (an empty cell). */
export type CsvValue = string | number | null;

/**
 * One CSV cell. Text a spreadsheet would read as a formula (starting with = + - @, or a tab or
 * carriage return that some strip before looking) gets a leading apostrophe (OWASP, "CSV
 * Injection"); then a cell with a comma, quote or line break is quoted, quotes doubled
 * (RFC 4180 §2.6-2.7). Numbers are written by this code and never carry a formula: a negative
 * one stays a number; one that is not finite is an empty cell.
 */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of cells (without its line break). */
export const csvLine = (values: readonly CsvValue[]): string => values.map(csvCell).join(',');
