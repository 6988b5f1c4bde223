import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../http/csv.js';

describe('the forecast CSV', () => {
  it('defuses every cell a spreadsheet would run, and quotes as RFC 4180 says', () => {
    expect(
      ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'a,b', 'say "hi"', 'two\nlines', 'plain'].map(
        csvCell,
      ),
    ).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      'plain',
    ]);
    // Numbers are written by the page, never a formula: a negative one stays a number.
    expect([-0.5, 3.25, null, Number.NaN].map(csvCell)).toEqual(['-0.5', '3.25', '', '']);
  });
});
