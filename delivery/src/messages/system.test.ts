import { describe, expect, it } from 'vitest';
import { countSms } from '../sms/index.js';
import { formatNumber } from './intl-format.js';
import { replyWords } from './render.js';
import { LOCALES, SUPPORTED_LANGUAGES } from './resources.js';
import { SYSTEM_MESSAGES, systemMessage } from './system.js';

const VALUES = { mm: 25, field: 'Tolosa maize' };

describe('systemMessage', () => {
  it('lists every system text of the locale files, so the checks below cover each', () => {
    const keys = Object.keys(LOCALES.en.messages.system as Record<string, string>);
    expect([...SYSTEM_MESSAGES].sort()).toEqual(keys.sort());
  });

  it.each(SUPPORTED_LANGUAGES)('%s: every system text renders within 2 segments', (language) => {
    for (const key of SYSTEM_MESSAGES) {
      const { text } = systemMessage({ key, language, values: VALUES });
      expect(text, key).not.toMatch(/[{}]/);
      expect(countSms(text).segments, `${key}: ${text}`).toBeLessThanOrEqual(2);
    }
  });

  it.each(SUPPORTED_LANGUAGES)('%s: the texts name the language own keywords', (language) => {
    const words = replyWords(language);
    const text = (key: (typeof SYSTEM_MESSAGES)[number]) =>
      systemMessage({ key, language, values: VALUES }).text;
    for (const word of [words.done, words.rain, words.stop, words.lang])
      expect(text('help')).toContain(word);
    expect(text('stopped')).toContain(words.start);
    expect(text('started')).toContain(words.stop);
    for (const word of [words.done, words.rain, words.help, words.stop])
      expect(text('not-understood')).toContain(word);
    expect(text('done-recorded')).toContain(formatNumber(language, 25));
    expect(text('done-recorded')).toContain('Tolosa maize');
    expect(text('rain-recorded')).toContain(formatNumber(language, 25));
    expect(text('applied-recorded')).toContain('Tolosa maize');
  });

  it('English, word for word; an unknown language answers in English', () => {
    expect(systemMessage({ key: 'done-recorded', language: 'en', values: VALUES })).toEqual({
      text: 'Shamba: 25 mm recorded for Tolosa maize. Thank you.',
      language: 'en',
    });
    expect(
      systemMessage({ key: 'applied-recorded', language: 'en', values: { field: 'Upper maize' } })
        .text,
    ).toBe('Shamba: Upper maize is marked done. Thank you.');
    expect(systemMessage({ key: 'stopped', language: 'tlh' })).toEqual({
      text: 'Shamba: you will get no more messages. Reply START to resume.',
      language: 'en',
    });
    expect(systemMessage({ key: 'language-changed', language: 'sw' }).text).toContain('Kiswahili');
  });
});
