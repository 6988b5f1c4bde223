import { describe, expect, it } from 'vitest';
import { formatDate, formatNumber, intlLocale } from './intl-format.js';

describe('numbers and dates by language', () => {
  it('groups as each language does, with plain spaces only', () => {
    expect(
      ['en', 'fr', 'pt', 'sw', 'am', 'om', 'id', 'vi'].map((l) => formatNumber(l, 12_800.5)),
    ).toEqual([
      '12,800.5',
      '12 800,5',
      '12.800,5',
      '12,800.5',
      '12,800.5',
      '12,800.5',
      '12.800,5',
      '12.800,5',
    ]);
  });

  it('day and short month, no closing abbreviation dot; Ethiopian calendar on request', () => {
    expect(formatDate('en', '2026-12-05')).toBe('Dec 5');
    expect(formatDate('fr', '2026-12-05')).toBe('5 déc');
    expect(formatDate('pt', '2026-12-05')).toBe('5 de dez');
    expect(formatDate('vi', '2026-12-05')).toBe('5 thg 12');
    // 5 December 2026 is 26 Hidar 2019 in the Ethiopian calendar.
    expect(formatDate('am', '2026-12-05', 'ethiopic')).toBe('ኅዳር 26');
  });

  it('falls back to English forms where the runtime has no data for a language', () => {
    expect(intlLocale('sw')).toBe('sw');
    expect(intlLocale('qaa')).toBe('en'); // private-use tag: no ICU data anywhere
    expect(intlLocale('not a tag')).toBe('en');
    expect(formatNumber('qaa', 1234.5)).toBe('1,234.5');
  });
});
