import { describe, expect, it } from 'vitest';
import { createCsvReader, csvLine } from './csv.js';

describe('RFC 4180 CSV', () => {
  const rows = [
    ['plain', '12.5', '', 'with, comma'],
    ['a "quote"', 'line\r\nbreak', 'ünïcode', '{"vwc60":0.3,"x":1}'],
  ];
  const text = rows.map(csvLine).join('');

  it('quotes only what must be quoted, with CRLF line ends', () => {
    expect(text).toBe(
      'plain,12.5,,"with, comma"\r\n"a ""quote""","line\r\nbreak",ünïcode,"{""vwc60"":0.3,""x"":1}"\r\n',
    );
  });

  it('reads back what it wrote, however the text is split into chunks', () => {
    for (const size of [1, 2, 3, 7, text.length]) {
      const reader = createCsvReader();
      const read: string[][] = [];
      for (let i = 0; i < text.length; i += size)
        read.push(...reader.push(text.slice(i, i + size)));
      read.push(...reader.end());
      expect(read).toEqual(rows);
    }
  });

  it('takes a last line without a line break, and refuses an unclosed quote', () => {
    const reader = createCsvReader();
    expect(reader.push('a,b\nc,d')).toEqual([['a', 'b']]);
    expect(reader.end()).toEqual([['c', 'd']]);
    const open = createCsvReader();
    open.push('"never closed');
    expect(() => open.end()).toThrow('a quoted CSV field is not closed');
  });
});
