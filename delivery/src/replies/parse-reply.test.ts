import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPLY_KEYWORDS } from '../messages/index.js';
import { parseReply } from './parse-reply.js';
import type { ReplyField, ReplyKeywords } from './reply.js';

// Keywords as the message resources give them: English, Swahili, Amharic, Portuguese (one of
// them two words long, to show multi-word keywords work).
const KEYWORDS: ReplyKeywords = {
  done: ['DONE', 'nimemaliza', 'ጨረስኩ', 'feito', 'já fiz'],
  rain: ['RAIN', 'mvua', 'ዝናብ', 'chuva'],
  help: ['HELP', 'msaada', 'እርዳታ', 'ajuda'],
  stop: ['STOP', 'acha', 'አቁም', 'parar'],
  start: ['START', 'anza', 'ጀምር', 'começar'],
  lang: ['LANG', 'lugha', 'ቋንቋ', 'língua'],
};

const ONE: ReplyField[] = [{ id: 'f-home', name: 'Home plot', number: 1 }];
const TWO: ReplyField[] = [
  { id: 'f-upper', name: 'Upper maize', number: 1 },
  { id: 'f-beans', name: 'Café beans', number: 2 },
];
const MAIZES: ReplyField[] = [
  { id: 'f-upper', name: 'Upper maize', number: 1 },
  { id: 'f-lower', name: 'Lower maize', number: 2 },
  { id: 'f-maize2', name: 'Maize 2', number: 3 },
];
const parse = (text: string, fields: readonly ReplyField[] = TWO) =>
  parseReply(text, { keywords: KEYWORDS, fields });

describe('parseReply: DONE', () => {
  it.each([
    ['DONE 25', ONE, { kind: 'done', fieldId: 'f-home', mm: 25 }],
    ['done', ONE, { kind: 'done', fieldId: 'f-home' }],
    ['DONE 1', ONE, { kind: 'done', fieldId: 'f-home' }],
    ['DONE home plot 30mm', ONE, { kind: 'done', fieldId: 'f-home', mm: 30 }],
    ['DONE25', ONE, { kind: 'done', fieldId: 'f-home', mm: 25 }],
    ['  Done,   UPPER Maize   25 mm. ', TWO, { kind: 'done', fieldId: 'f-upper', mm: 25 }],
    ['done cafe beans 12,5', TWO, { kind: 'done', fieldId: 'f-beans', mm: 12.5 }],
    ['DONE CAFÉ BEANS 12.5', TWO, { kind: 'done', fieldId: 'f-beans', mm: 12.5 }],
    ['DONE 2 12,5', TWO, { kind: 'done', fieldId: 'f-beans', mm: 12.5 }],
    ['DONE 2', TWO, { kind: 'done', fieldId: 'f-beans' }],
    ['done beans', TWO, { kind: 'done', fieldId: 'f-beans' }],
    ['DONE 25 upper maize', TWO, { kind: 'done', fieldId: 'f-upper', mm: 25 }],
    ['DONE 1 20 asante', TWO, { kind: 'done', fieldId: 'f-upper', mm: 20 }],
    ['DONE upper 40', MAIZES, { kind: 'done', fieldId: 'f-upper', mm: 40 }],
    // The longest whole name wins: "maize 2" is field 3, and 15 the amount.
    ['DONE maize 2 15', MAIZES, { kind: 'done', fieldId: 'f-maize2', mm: 15 }],
  ] as const)('%j', (text, fields, expected) => {
    expect(parse(text, fields)).toEqual(expected);
  });

  it.each([
    ['DONE 25', TWO, 'ambiguous-field'],
    ['DONE', TWO, 'ambiguous-field'],
    ['DONE maize 10', MAIZES.slice(0, 2), 'ambiguous-field'],
    ['DONE 7 25', TWO, 'unknown-field'],
    ['DONE cassava 25', TWO, 'unknown-field'],
    ['DONE 0', ONE, 'amount-out-of-range'],
    ['DONE 250', ONE, 'amount-out-of-range'],
    ['DONE 1 2 3', TWO, 'too-many-numbers'],
    ['DONE 20', [], 'no-fields'],
  ] as const)('%j is unclear: %s', (text, fields, reason) => {
    expect(parse(text, fields)).toMatchObject({ kind: 'unclear', command: 'done', reason });
  });

  it('tells two fields of the same name apart only by number', () => {
    const twins = [
      { id: 'a', name: 'Shamba', number: 1 },
      { id: 'b', name: 'shamba', number: 2 },
    ];
    expect(parse('DONE shamba 10', twins)).toMatchObject({ reason: 'ambiguous-field' });
    expect(parse('DONE 2 10', twins)).toEqual({ kind: 'done', fieldId: 'b', mm: 10 });
  });

  it('reads local keywords, scripts and numerals', () => {
    const swahili = [
      { id: 'juu', name: 'Shamba la juu', number: 1 },
      { id: 'chini', name: 'Shamba la chini', number: 2 },
    ];
    expect(parse('Nimemaliza shamba la juu 20', swahili)).toEqual({
      kind: 'done',
      fieldId: 'juu',
      mm: 20,
    });
    // Amharic with the Ethiopic word separator and full stop, and Ethiopic numerals: ፳፭ = 25.
    expect(parse('ጨረስኩ፡፳፭።', ONE)).toEqual({ kind: 'done', fieldId: 'f-home', mm: 25 });
    expect(parse('ጨረስኩ ፪ ፲፭', TWO)).toEqual({ kind: 'done', fieldId: 'f-beans', mm: 15 });
    expect(parse('DONE ٢٥', ONE)).toEqual({ kind: 'done', fieldId: 'f-home', mm: 25 });
    expect(parse('DONE २५', ONE)).toEqual({ kind: 'done', fieldId: 'f-home', mm: 25 });
    expect(parse('Já fiz 2 30', TWO)).toEqual({ kind: 'done', fieldId: 'f-beans', mm: 30 });
    expect(parse('FEITO café 8', TWO)).toEqual({ kind: 'done', fieldId: 'f-beans', mm: 8 });
    // Vietnamese typed decomposed (NFD) against a name stored composed.
    const rice = [{ id: 'lua', name: 'Ruộng lúa', number: 1 }, ...TWO.slice(1)];
    expect(parse('DONE ruo\u0323\u0302ng lu\u0301a 10', rice)).toMatchObject({ fieldId: 'lua' });
  });
});

describe('parseReply: RAIN, HELP, STOP, START', () => {
  it.each([
    ['RAIN 12', { kind: 'rain', mm: 12 }],
    ['rain 0', { kind: 'rain', mm: 0 }],
    ['Mvua 12,5mm', { kind: 'rain', mm: 12.5 }],
    ['ዝናብ ፴', { kind: 'rain', mm: 30 }],
    ['RAIN ١٢٫٥', { kind: 'rain', mm: 12.5 }],
    ['chuva: 500', { kind: 'rain', mm: 500 }],
    ['HELP!', { kind: 'help' }],
    ['msaada', { kind: 'help' }],
    ['stop', { kind: 'stop' }],
    ['STOP please, no more', { kind: 'stop' }],
    ['Acha', { kind: 'stop' }],
    ['አቁም', { kind: 'stop' }],
    ['Start', { kind: 'start' }],
    ['COMEÇAR', { kind: 'start' }],
    ['comecar', { kind: 'start' }],
  ] as const)('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each([
    ['RAIN', 'amount-missing'],
    ['RAIN 600', 'amount-out-of-range'],
    ['RAIN -5', 'amount-out-of-range'],
    ['RAIN 5 6', 'too-many-numbers'],
  ] as const)('%j is unclear: %s', (text, reason) => {
    expect(parse(text)).toMatchObject({ kind: 'unclear', command: 'rain', reason });
  });
});

describe('parseReply: a stop keyword anywhere stops', () => {
  const BUS_STOP: ReplyField[] = [
    { id: 'f-bus', name: 'Bus stop', number: 1 },
    { id: 'f-upper', name: 'Upper maize', number: 2 },
  ];

  it.each([
    'Please STOP',
    'Ok STOP',
    'stop please',
    'pls stop sending',
    'HELP STOP', // help or stop? Opting out must never be missed: stop.
    'START stop',
    'RAIN 20 acha',
    'LANG sw STOP',
    'DONE 25 stop',
    'Asante, acha tafadhali',
    'Sitaki ujumbe tena... ACHA!',
  ])('%j', (text) => {
    expect(parse(text, ONE)).toEqual({ kind: 'stop' });
  });

  it('unless the leading command takes it: DONE and the whole name of a field', () => {
    expect(parse('DONE bus stop 20', BUS_STOP)).toEqual({ kind: 'done', fieldId: 'f-bus', mm: 20 });
    expect(parse('DONE 20mm bus stop', BUS_STOP)).toEqual({
      kind: 'done',
      fieldId: 'f-bus',
      mm: 20,
    });
    // An amount out of range is asked about, not taken for a stop.
    expect(parse('DONE bus stop 500', BUS_STOP)).toMatchObject({
      kind: 'unclear',
      command: 'done',
    });
    // Only part of the name, or the name and another STOP: stop wins.
    expect(parse('DONE stop 20', BUS_STOP)).toEqual({ kind: 'stop' });
    expect(parse('DONE bus stop 20 STOP', BUS_STOP)).toEqual({ kind: 'stop' });
    expect(parse('DONE upper maize stop', BUS_STOP)).toEqual({ kind: 'stop' });
  });

  it('a word that only contains a stop keyword is no stop', () => {
    expect(parse('DONE 25', ONE)).toEqual({ kind: 'done', fieldId: 'f-home', mm: 25 });
    expect(parse('stopwatch')).toEqual({ kind: 'unknown' });
    expect(parse('RAIN 12 nonstop')).toEqual({ kind: 'rain', mm: 12 });
  });

  it('with the locale files: TOLONG (please) is no HELP, berhenti stops', () => {
    const read = (text: string) => parseReply(text, { keywords: REPLY_KEYWORDS, fields: ONE });
    expect(read('Tolong berhenti')).toEqual({ kind: 'stop' });
    expect(read('Tolong')).toEqual({ kind: 'unknown' });
    expect(read('Bantuan')).toEqual({ kind: 'help' });
    expect(read('Xin dừng lại')).toEqual({ kind: 'stop' });
    expect(read('Tafadhali sitisha')).toEqual({ kind: 'stop' });
    expect(read('Por favor, quero sair')).toEqual({ kind: 'stop' });
    expect(read('ሰላም አቁም')).toEqual({ kind: 'stop' });
  });
});

describe('parseReply: accents typed tell words apart', () => {
  const read = (text: string) => parseReply(text, { keywords: REPLY_KEYWORDS, fields: ONE });

  it('Vietnamese dừng (stop) is not đúng (right) or dùng (use), which fold alike', () => {
    expect(read('Đúng rồi')).toEqual({ kind: 'unknown' });
    expect(read('Đã xong, dùng 20mm')).toEqual({ kind: 'done', fieldId: 'f-home', mm: 20 });
    expect(read('Dũng đã xong 20')).toEqual({ kind: 'unknown' });
    // Typed with its own accents, or with none (a feature phone), it stops.
    expect(read('DỪNG')).toEqual({ kind: 'stop' });
    expect(read('xin dung lai')).toEqual({ kind: 'stop' });
    expect(read('da xong 20, dung')).toEqual({ kind: 'stop' });
    // Decomposed (NFD) as some phones send it.
    expect(read('xin du\u0300\u031Bng')).toEqual({ kind: 'stop' });
  });

  it('keywords given without accents match whatever accents are typed', () => {
    expect(parse('Xin dừng', ONE)).toEqual({ kind: 'unknown' }); // KEYWORDS has no dừng
    const plain = { ...KEYWORDS, stop: ['stop', 'dung'] };
    expect(parseReply('Đúng', { keywords: plain, fields: ONE })).toEqual({ kind: 'stop' });
  });
});

describe('parseReply: LANG', () => {
  it.each([
    ['LANG sw', 'sw'],
    ['lang Kiswahili', 'sw'],
    ['LANG portugues', 'pt'],
    ['língua Português', 'pt'],
    ['LANG pt-BR', 'pt'],
    ['ቋንቋ አማርኛ', 'am'],
    ['LANG Afaan Oromoo', 'om'],
    ['LANG OM', 'om'],
    ['lugha Bahasa Indonesia', 'id'],
    ['LANG tiếng việt', 'vi'],
    ['LANG français', 'fr'],
    ['LANG english', 'en'],
  ])('%j switches to %s', (text, language) => {
    expect(parse(text)).toEqual({ kind: 'lang', language });
  });

  it('knows only the languages it is given', () => {
    expect(parse('LANG klingon')).toMatchObject({ kind: 'unclear', reason: 'language-unknown' });
    expect(parse('LANG')).toMatchObject({ kind: 'unclear', reason: 'language-missing' });
    const options = { keywords: KEYWORDS, fields: TWO, languages: ['en', 'pt-BR'] };
    expect(parseReply('LANG pt-br', options)).toEqual({ kind: 'lang', language: 'pt-BR' });
    expect(parseReply('LANG sw', options)).toMatchObject({ reason: 'language-unknown' });
  });
});

describe('parseReply: anything else', () => {
  it.each(['', '   ', 'hello', 'thank you', '25', 'DONER 25', 'stopwatch', '🙏🏾', 'ok DONE 25'])(
    '%j is unknown',
    (text) => {
      expect(parse(text)).toEqual({ kind: 'unknown' });
    },
  );

  it('never throws, whatever arrives', () => {
    const keyword = fc.constantFrom(...Object.values(KEYWORDS).flat());
    const noise = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('٫', '፻', '፼', '-', ',', ',5', '0', '99999999999999999999', '\u0301'),
    );
    const reply = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.oneof(keyword, noise), { maxLength: 6 }).map((parts) => parts.join(' ')),
    );
    // Fields named anything at all, numbered anyhow.
    const anyFields = fc.array(
      fc.record({ id: fc.string(), name: fc.string({ unit: 'binary' }), number: fc.integer() }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        reply,
        fc.oneof(fc.constantFrom(ONE, TWO, MAIZES, []), anyFields),
        (text, fields) => {
          const result = parse(text, fields);
          expect(['done', 'rain', 'help', 'stop', 'start', 'lang', 'unclear', 'unknown']).toContain(
            result.kind,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads any digits in Devanagari or Arabic-Indic as it reads them in ASCII', () => {
    const zeros = { devanagari: 0x0966, arabicIndic: 0x0660, extendedArabicIndic: 0x06f0 };
    const inScript = (ascii: string, zero: number) =>
      ascii.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
    const amount = fc.oneof(
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.stringMatching(/^[0-9]{1,3}[.,][0-9]$/),
    );
    fc.assert(
      fc.property(amount, fc.constantFrom(...Object.values(zeros)), (ascii, zero) => {
        for (const [command, fields] of [
          ['RAIN', TWO],
          ['DONE', ONE],
          ['DONE 2', TWO],
        ] as const) {
          expect(parse(`${command} ${inScript(ascii, zero)}`, fields)).toEqual(
            parse(`${command} ${ascii}`, fields),
          );
        }
        expect(parse(`RAIN ${inScript(ascii, zero)}`)).not.toEqual({ kind: 'unknown' });
      }),
    );
  });
});

describe('parseReply with the message resources’ keywords', () => {
  it('reads replies in each language of the locale files', () => {
    const read = (text: string, fields: readonly ReplyField[] = TWO) =>
      parseReply(text, { keywords: REPLY_KEYWORDS, fields });
    expect(read('Tayari 2 20')).toEqual({ kind: 'done', fieldId: 'f-beans', mm: 20 });
    expect(read('ጨረስኩ ፳፭', ONE)).toEqual({ kind: 'done', fieldId: 'f-home', mm: 25 });
    // "ruộng" is Vietnamese for field: a word that names no field, beside two numbers that do.
    expect(read('Đã xong ruộng 1, 15mm')).toEqual({ kind: 'done', fieldId: 'f-upper', mm: 15 });
    expect(read('Đã xong 1 15')).toEqual({ kind: 'done', fieldId: 'f-upper', mm: 15 });
    expect(read('Xumure upper maize')).toEqual({ kind: 'done', fieldId: 'f-upper' });
    expect(read('Rooba 12,5')).toEqual({ kind: 'rain', mm: 12.5 });
    expect(read('ARRÊT')).toEqual({ kind: 'stop' });
    expect(read('Bắt đầu')).toEqual({ kind: 'start' });
    expect(read('Ngôn ngữ Tiếng Việt')).toEqual({ kind: 'lang', language: 'vi' });
    expect(read('Afaan Oromoo')).toEqual({ kind: 'lang', language: 'om' });
    expect(read('langue français')).toEqual({ kind: 'lang', language: 'fr' });
    expect(read('Habari za asubuhi')).toEqual({ kind: 'unknown' });
  });
});
