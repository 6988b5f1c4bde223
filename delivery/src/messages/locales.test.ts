import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { REPLY_KEYWORDS, foldKeyword, replyKeywordsFor, spellKeyword } from './keywords.js';
import {
  LOCALES,
  REPLY_COMMANDS,
  SUPPORTED_LANGUAGES,
  flattenMessages,
  type LocaleFile,
} from './resources.js';
import { webText } from './render.js';

/** The argument names an ICU message uses (`{mm, number}`, `{bags, plural, ...}`, nested). */
function argumentsOf(message: string, language: string): string[] {
  const names = new Set<string>();
  const walk = (elements: unknown): void => {
    if (!Array.isArray(elements)) return;
    for (const element of elements as { value?: unknown; options?: unknown }[]) {
      if (typeof element.value === 'string' && 'type' in element && element.type !== 0) {
        names.add(element.value);
      }
      if (element.options !== undefined) {
        for (const option of Object.values(element.options as Record<string, { value: unknown }>))
          walk(option.value);
      }
    }
  };
  walk(new IntlMessageFormat(message, language).getAst());
  return [...names].sort();
}

/**
 * What is wrong with one tree of ICU strings against English's same tree: keys missing or extra,
 * bad ICU, arguments English does not pass (a typo there would print raw `{mn}` to the reader).
 */
function treeProblems(options: {
  english: unknown;
  own: unknown;
  language: string;
  prefix?: string;
}): string[] {
  const { language, prefix = '' } = options;
  const english = flattenMessages(options.english);
  const own = flattenMessages(options.own);
  const problems: string[] = [];
  for (const key of Object.keys(english))
    if (!(key in own)) problems.push(`missing ${prefix}${key}`);
  for (const [key, message] of Object.entries(own)) {
    if (!(key in english)) {
      problems.push(`extra ${prefix}${key}`);
      continue;
    }
    try {
      const args = argumentsOf(message, language);
      const expected = argumentsOf(english[key]!, 'en');
      const unknown = args.filter(
        (a) => !expected.includes(a) && !REPLY_COMMANDS.includes(a as never),
      );
      if (unknown.length > 0)
        problems.push(`${prefix}${key}: unknown arguments ${unknown.join(', ')}`);
    } catch (error) {
      problems.push(`${prefix}${key}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** What is wrong with a locale file's messages against English's, and its reviewed list. */
function localeProblems(file: LocaleFile, language: string): string[] {
  const problems = treeProblems({ english: LOCALES.en.messages, own: file.messages, language });
  const own = flattenMessages(file.messages);
  for (const key of file._meta.reviewed)
    if (!(key in own)) problems.push(`reviewed ${key} is no key`);
  return problems;
}

/** What is wrong with a locale file's dashboard texts (`web`) against English's. */
function webProblems(file: LocaleFile, language: string): string[] {
  return treeProblems({ english: LOCALES.en.web, own: file.web, language, prefix: 'web.' });
}

describe('locale files', () => {
  it.each(SUPPORTED_LANGUAGES)(
    '%s has every key of en, each valid ICU with known arguments',
    (language) => {
      expect(localeProblems(LOCALES[language], language)).toEqual([]);
    },
  );

  it('the check catches a missing key, a typo in an argument and a broken plural', () => {
    const fr = structuredClone(LOCALES.fr);
    const messages = fr.messages as {
      irrigation: { irrigate: Record<string, string> };
      system: Record<string, string>;
    };
    delete messages.irrigation.irrigate.short;
    messages.system['done-recorded'] = 'Shamba: {mn, number} mm pour {field}.';
    messages.system['rain-recorded'] = 'Shamba: {mm, plural, one {# mm} other {# mm}';
    expect(localeProblems(fr, 'fr')).toEqual([
      'missing irrigation.irrigate.short',
      'system.done-recorded: unknown arguments mn',
      expect.stringMatching(/^system\.rain-recorded: /),
    ]);
  });

  it('a file claiming reviewed keys names its reviewer; today only English has one', () => {
    for (const language of SUPPORTED_LANGUAGES) {
      const meta = LOCALES[language]._meta;
      if (meta.reviewed.length > 0) expect(meta.reviewer, language).toEqual(expect.any(String));
    }
    // Not a native speaker wrote the others: nothing may pass them off as reviewed until one has
    // (a reviewer lists their keys, names themself, and drops their language from this list).
    expect(LOCALES.en._meta.reviewed.length).toBeGreaterThan(0);
    for (const language of SUPPORTED_LANGUAGES.filter((l) => l !== 'en')) {
      const meta = LOCALES[language]._meta;
      expect(meta.reviewed, language).toEqual([]);
      expect(meta.unreviewedNote, language).toMatch(
        /^machine draft, not reviewed by a native speaker\. The `web` texts are machine drafts too/,
      );
    }
  });
});

const TRANSLATED = SUPPORTED_LANGUAGES.filter((language) => language !== 'en');

describe('dashboard texts (web)', () => {
  it.each(TRANSLATED)("%s has every key of en's web and no other, each valid ICU", (language) => {
    const keys = (file: LocaleFile) => Object.keys(flattenMessages(file.web)).sort();
    expect(keys(LOCALES.en).length).toBeGreaterThan(300);
    expect(keys(LOCALES[language])).toEqual(keys(LOCALES.en));
    expect(webProblems(LOCALES[language], language)).toEqual([]);
  });

  it('the check catches a missing key, an extra one, a typo in an argument and broken ICU', () => {
    const sw = structuredClone(LOCALES.sw);
    const web = sw.web as { login: Record<string, string>; map: Record<string, string> };
    delete web.login.title;
    web.login.extra = 'Ziada';
    web.login['too-many'] = 'Subiri sekunde {second, number}.';
    web.map.open = 'Fungua {field';
    expect(webProblems(sw, 'sw')).toEqual([
      'missing web.login.title',
      'web.login.too-many: unknown arguments second',
      'extra web.login.extra',
      expect.stringMatching(/^web\.map\.open: /),
    ]);
  });

  // Whole texts: the language's own words, its number format and its plural forms.
  const EXPECTED: Record<(typeof TRANSLATED)[number], [string, string, string]> = {
    fr: [
      'Trop de tentatives échouées depuis ce poste : attendez 1 200 s.',
      '1 parcelle n’a pas de prévision : voir la raison dans le tableau.',
      '3 parcelles n’ont pas de prévision : voir la raison dans le tableau.',
    ],
    pt: [
      'Muitas tentativas falhas a partir daqui: aguarde 1.200 s.',
      '1 talhão não tem previsão: veja o motivo na tabela.',
      '3 talhões não têm previsão: veja o motivo na tabela.',
    ],
    sw: [
      'Majaribio mengi yameshindwa kutoka hapa: subiri sekunde 1,200.',
      'Shamba 1 halina utabiri: tazama sababu kwenye jedwali.',
      'Mashamba 3 hayana utabiri: tazama sababu kwenye jedwali.',
    ],
    am: [
      'ከዚህ ብዙ ያልተሳኩ ሙከራዎች ተደርገዋል: 1,200 ሰከንድ ይጠብቁ።',
      '1 ማሳ ትንበያ የለውም: ምክንያቱን በሰንጠረዡ ይመልከቱ።',
      '3 ማሳዎች ትንበያ የላቸውም: ምክንያቱን በሰንጠረዡ ይመልከቱ።',
    ],
    om: [
      "Yaaliin hin milkoofne baay'een asii ta'eera: sekondii 1,200 eegi.",
      'Maasiin 1 tilmaama hin qabu: sababa isaa gabatee keessatti ilaali.',
      'Maasiiwwan 3 tilmaama hin qaban: sababa isaa gabatee keessatti ilaali.',
    ],
    id: [
      'Terlalu banyak percobaan gagal dari sini: tunggu 1.200 dtk.',
      '1 lahan belum punya prakiraan: lihat alasannya di tabel.',
      '3 lahan belum punya prakiraan: lihat alasannya di tabel.',
    ],
    vi: [
      'Quá nhiều lần thử sai từ đây: hãy chờ 1.200 giây.',
      '1 thửa ruộng chưa có dự báo: xem lý do trong bảng.',
      '3 thửa ruộng chưa có dự báo: xem lý do trong bảng.',
    ],
  };

  it.each(TRANSLATED)('webText renders %s with its arguments and plurals', (language) => {
    expect([
      webText('login.too-many', language, { seconds: 1200 }),
      webText('forecast.without-forecast', language, { count: 1 }),
      webText('forecast.without-forecast', language, { count: 3 }),
    ]).toEqual(EXPECTED[language]);
    expect(webText('language.name', language)).toBe(LOCALES[language]._meta.language);
  });
});

describe('reply keywords', () => {
  it('every locale has a keyword for every command', () => {
    for (const language of SUPPORTED_LANGUAGES)
      for (const command of REPLY_COMMANDS)
        expect(
          LOCALES[language].keywords[command].length,
          `${language} ${command}`,
        ).toBeGreaterThan(0);
  });

  it('merged over all languages, lower case, accents kept, one spelling per folded keyword', () => {
    expect(REPLY_KEYWORDS.done).toEqual(
      expect.arrayContaining([
        'done',
        'fait',
        'arrosé',
        'feito',
        'tayari',
        'ጨረስኩ',
        'xumure',
        'selesai',
        'xong',
        'đã xong',
      ]),
    );
    expect(REPLY_KEYWORDS.rain).toEqual(
      expect.arrayContaining(['rain', 'pluie', 'chuva', 'mvua', 'ዝናብ', 'rooba', 'hujan', 'mưa']),
    );
    expect(REPLY_KEYWORDS.stop).toEqual(expect.arrayContaining(['stop', 'arrêt', 'parar', 'dừng']));
    expect(REPLY_KEYWORDS.lang).toEqual(
      expect.arrayContaining(['lang', 'langue', 'língua', 'ngôn ngữ', 'ቋንቋ']),
    );
    for (const words of Object.values(REPLY_KEYWORDS)) {
      for (const word of words) expect(word).toBe(spellKeyword(word));
      expect(new Set(words.map(foldKeyword)).size).toBe(words.length);
    }
  });

  it('no politeness or filler word is a keyword (a farmer types them before any command)', () => {
    // Indonesian TOLONG is "please" as much as "help"; `Tolong berhenti` is "please stop".
    const fillers = [
      'please',
      'ok',
      'okay',
      'yes',
      'no',
      'thanks',
      'tolong',
      'tafadhali',
      'asante',
    ];
    const more = [
      'svp',
      'merci',
      'por favor',
      'obrigado',
      'terima kasih',
      'xin',
      'cam on',
      'ndiyo',
    ];
    const all = Object.values(REPLY_KEYWORDS).flat().map(foldKeyword);
    for (const filler of [...fillers, ...more]) expect(all, filler).not.toContain(filler);
  });

  it('no keyword starts two different commands', () => {
    const owner = new Map<string, string>();
    for (const command of REPLY_COMMANDS) {
      for (const word of REPLY_KEYWORDS[command].map(foldKeyword)) {
        expect(owner.get(word) ?? command, `${word} is ${owner.get(word)} and ${command}`).toBe(
          command,
        );
        owner.set(word, command);
      }
    }
  });

  it('one language: its own and English', () => {
    expect(replyKeywordsFor('sw').done).toEqual([
      'done',
      'watered',
      'applied',
      'tayari',
      'nimemaliza',
    ]);
    expect(replyKeywordsFor('xx').rain).toEqual(['rain']);
  });

  it('folds Vietnamese, French and Ethiopic as a reply would be typed', () => {
    expect(foldKeyword('ĐÃ  XONG')).toBe('da xong');
    expect(foldKeyword('Arrêt')).toBe('arret');
    expect(foldKeyword('NGÔN NGỮ')).toBe('ngon ngu');
    expect(foldKeyword('ጨረስኩ')).toBe('ጨረስኩ');
  });
});
