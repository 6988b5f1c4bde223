/**
 * RFC 4180 CSV, the little this archive needs: CRLF line ends (§2.1), a field quoted when it
 * holds a comma, quote, CR or LF, with quotes doubled (§2.6, §2.7).
 */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map((f) => (f === null ? '' : csvField(String(f)))).join(',')}\r\n`;
}

/** One field, quoted only when it must be (§2.6). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Splits text into RFC 4180 records as it arrives in chunks: `push` returns the records that
 * completed, `end` the last one (a file need not end with a line break, §2.2). A quoted field may
 * hold line breaks.
 */
export function createCsvReader() {
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  const push = (text: string): string[][] => {
    const done: string[][] = [];
    for (const ch of text) {
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else field += ch;
        continue;
      }
      if (pendingCr) {
        pendingCr = false;
        if (ch === '\n') continue;
      }
      if (ch === '"') {
        if (afterQuote) field += '"'; // a doubled quote inside a quoted field
        quoted = true;
        afterQuote = false;
      } else if (ch === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (ch === '\r' || ch === '\n') {
        record.push(field);
        done.push(record);
        field = '';
        record = [];
        afterQuote = false;
        pendingCr = ch === '\r';
      } else {
        field += ch;
        afterQuote = false;
      }
    }
    return done;
  };
  const end = (): string[][] => {
    if (quoted) throw new Error('a quoted CSV field is not closed');
    if (field === '' && record.length === 0) return [];
    record.push(field);
    const last = [record];
    record = [];
    field = '';
    return last;
  };
  return { push, end };
}
