import { describe, expect, it } from 'vitest';
import { countSms } from '../sms/index.js';
import { composeMessage, dateText, messageKey } from './compose.js';
import { messageFacts, type MessageFacts } from './facts.js';
import { formatNumber } from './intl-format.js';
import { MAIZE_FIELD, irrigation, nitrogen, ratedZone } from '../testing/prescription-fixtures.js';
import { replyWords } from './render.js';
import { SUPPORTED_LANGUAGES } from './resources.js';

// Realistic: Tolosa's upper zone needs 32 mm today (97,200 L = 585 pump minutes); the maize
// needs 80 kg N/ha on 0.5 ha, 87 kg of urea (1.5 bags), in two halves.
const WATER = messageFacts(irrigation(), MAIZE_FIELD);
const UREA = messageFacts(
  nitrogen({ nKgHa: 80, zones: [ratedZone({ nKgHa: 80, areaHa: 0.5 })] }),
  MAIZE_FIELD,
);

const bags = (n: number): MessageFacts => ({
  kind: 'nitrogen',
  fieldName: 'Plot',
  zoneName: null,
  decision: 'fertilise',
  nKgHa: 40,
  product: { name: 'urea', kg: n * 50, bags: n },
  split: false,
});

describe('composeMessage', () => {
  it.each(SUPPORTED_LANGUAGES)(
    '%s: irrigation fits 2 segments with its numbers whole',
    (language) => {
      const message = composeMessage({ facts: WATER, language, fieldNumber: 2 });
      expect(message).toMatchObject({ language, fits: true });
      expect(countSms(message.text).segments).toBeLessThanOrEqual(2);
      expect(message.text).toContain('Tolosa maize');
      expect(message.text).toContain(`${formatNumber(language, 32)}`);
      expect(message.text).toContain(dateText(language, '2026-12-03'));
      if (message.template !== 'shortest') {
        expect(message.text).toContain(formatNumber(language, 97_200));
        expect(message.text).toContain(formatNumber(language, 585));
      }
      // Every message ends with how to reply, in the language's own keyword.
      expect(message.text).toContain(replyWords(language).done);
      expect(message.text.slice(-40)).toContain(replyWords(language).done);
    },
  );

  it.each(SUPPORTED_LANGUAGES)(
    '%s: nitrogen fits 2 segments with its numbers whole',
    (language) => {
      const message = composeMessage({ facts: UREA, language });
      expect(message).toMatchObject({ language, fits: true });
      expect(countSms(message.text).segments).toBeLessThanOrEqual(2);
      expect(message.text).toContain(`${formatNumber(language, 87)} `);
      expect(message.text).toContain('urea 46-0-0');
      if (message.template === 'long') {
        expect(message.text).toContain(formatNumber(language, 1.5));
        expect(message.text).toContain(`${formatNumber(language, 80)}`);
      }
      expect(message.text.slice(-40)).toContain(replyWords(language).done);
    },
  );

  it('writes the numbers as each language does', () => {
    const fr = composeMessage({ facts: WATER, language: 'fr' }).text;
    const pt = composeMessage({ facts: WATER, language: 'pt' }).text;
    const en = composeMessage({ facts: WATER, language: 'en' }).text;
    expect(en).toBe(
      'Shamba: Tolosa maize (upper): water 32 mm by Dec 3: 97,200 L = 585 min of pumping. Reply DONE when watered.',
    );
    // French groups with a plain space (CLDR's U+202F is not GSM-7), Portuguese with a dot.
    expect(fr).toContain('97 200 L');
    expect(pt).toContain('97.200 L');
    expect(countSms(fr).encoding).toBe('GSM-7');
  });

  it('plurals: 1 bag and 2 bags in English, 1 saco and 2 sacos in Portuguese', () => {
    const text = (n: number, language: string) => composeMessage({ facts: bags(n), language }).text;
    expect(text(1, 'en')).toContain('(1 bag of 50 kg)');
    expect(text(2, 'en')).toContain('(2 bags of 50 kg)');
    expect(text(0, 'en')).toContain('(under half a bag of 50 kg)');
    expect(text(1, 'pt')).toContain('(1 saco de 50 kg)');
    expect(text(2, 'pt')).toContain('(2 sacos de 50 kg)');
  });

  it('picks the short form when the long does not fit, the shortest after that', () => {
    const long = composeMessage({ facts: WATER, language: 'en', fitsIn: () => true });
    expect(long.template).toBe('long');
    const short = composeMessage({
      facts: WATER,
      language: 'en',
      fitsIn: (text) => text.length < long.text.length,
    });
    expect(short).toEqual({
      text: 'Tolosa maize (upper): water 32 mm by Dec 3 (97,200 L = 585 min of pumping). Reply DONE when done.',
      language: 'en',
      template: 'short',
      fits: true,
    });
    const shortest = composeMessage({ facts: WATER, language: 'en', fitsIn: () => false });
    // Nothing fits: the shortest whole, never a cut number.
    expect(shortest).toEqual({
      text: 'Tolosa maize (upper): water 32 mm by Dec 3. Reply DONE.',
      language: 'en',
      template: 'shortest',
      fits: false,
    });
  });

  it('an unknown language gets English; a regional tag its language', () => {
    expect(composeMessage({ facts: WATER, language: 'xx' }).language).toBe('en');
    expect(composeMessage({ facts: WATER, language: 'zz-Latn' }).text).toMatch(/^Shamba: Tolosa/);
    expect(composeMessage({ facts: WATER, language: 'pt-BR' }).language).toBe('pt');
  });

  it('Amharic is UCS-2, within 2 segments, dated by the Ethiopian calendar', () => {
    const message = composeMessage({ facts: WATER, language: 'am' });
    expect(countSms(message.text)).toMatchObject({ encoding: 'UCS-2' });
    expect(countSms(message.text).segments).toBeLessThanOrEqual(2);
    // 3 December 2026 (Gregorian) is 24 Hidar 2019 in the Ethiopian calendar.
    expect(message.text).toContain('ኅዳር 24');
  });

  it('every decision has its message in every language', () => {
    const decisions: MessageFacts[] = [
      WATER,
      { ...WATER, decision: 'irrigate-limited' } as MessageFacts,
      {
        kind: 'irrigation',
        fieldName: 'Plot',
        zoneName: null,
        decision: 'water-by',
        byDateIso: '2026-12-07',
      },
      { kind: 'irrigation', fieldName: 'Plot', zoneName: null, decision: 'wait-for-rain' },
      { kind: 'irrigation', fieldName: 'Plot', zoneName: null, decision: 'no-water' },
      { kind: 'irrigation', fieldName: 'Plot', zoneName: null, decision: 'no-data' },
      UREA,
      { ...bags(1), product: null } as MessageFacts,
      {
        kind: 'nitrogen',
        fieldName: 'Plot',
        zoneName: null,
        decision: 'no-need',
        reason: 'legume',
      },
      { kind: 'nitrogen', fieldName: 'Plot', zoneName: null, decision: 'no-data' },
    ];
    expect(decisions.map(messageKey)).toEqual([
      'irrigation.irrigate',
      'irrigation.irrigate-limited',
      'irrigation.water-by',
      'irrigation.wait-for-rain',
      'irrigation.no-water',
      'irrigation.no-data',
      'nitrogen.fertilise',
      'nitrogen.fertilise-rate',
      'nitrogen.no-need',
      'nitrogen.no-data',
    ]);
    for (const language of SUPPORTED_LANGUAGES) {
      for (const facts of decisions) {
        const message = composeMessage({ facts, language });
        expect(message.fits, `${language} ${messageKey(facts)}: ${message.text}`).toBe(true);
        expect(message.text).not.toMatch(/[{}]/);
        const words = replyWords(language);
        expect(
          [words.done, words.help, words.rain].some((w) => message.text.includes(w)),
          message.text,
        ).toBe(true);
      }
    }
  });
});
