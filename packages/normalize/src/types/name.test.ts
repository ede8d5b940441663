import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { type NameParts, nameType, splitName } from './name.ts';
import { needsRecase, properCaseWord } from './name-case.ts';

const options = { phoneRegion: 'US' };
const name = (raw: string) => nameType.normalize(raw, options, {});

describe('name: valid', () => {
  const cases: [raw: string, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['SMITH, JOHN A. JR', 'John A. Smith Jr.'],
    ['DOE, JANE M.', 'Jane M. Doe'],
    ['peter van der berg', 'Peter van der Berg'],
    ["SEAN O'MALLEY", "Sean O'Malley"],
    ['  maría   garcía lópez ', 'María García López'],
    ['angus macleod iii', 'Angus MacLeod III'],
    ['x', 'X'],
    ['Kim, Min-jun', 'Min-jun Kim'],
    ['dr. alice B. smith', 'Dr. Alice B. Smith'],
    // Already clean: unchanged.
    ['John Smith', 'John Smith'],
    ['Jane M. Doe', 'Jane M. Doe'],
    ['Peter van der Berg', 'Peter van der Berg'],
    ["Sean O'Malley", "Sean O'Malley"],
    ['María García López', 'María García López'],
    ['Angus MacLeod III', 'Angus MacLeod III'],
    ['Min-jun Kim', 'Min-jun Kim'],
    ['Dr. Alice B. Smith', 'Dr. Alice B. Smith'],
    ['John A. Smith Jr.', 'John A. Smith Jr.'],
    // Whole-name casing.
    ['JOHN SMITH', 'John Smith'],
    ['john smith', 'John Smith'],
    ['jOHN sMITH', 'John Smith'], // mostly capitals
    ['JoHN SMiTH', 'John Smith'],
    ['Jo Smith', 'Jo Smith'],
    ['JO SMITH', 'Jo Smith'],
    ['ÉLODIE DURAND', 'Élodie Durand'],
    ['élodie durand', 'Élodie Durand'],
    ['ZOË SALDAÑA', 'Zoë Saldaña'],
    ['BJÖRK GUÐMUNDSDÓTTIR', 'Björk Guðmundsdóttir'],
    ['SØREN KIERKEGAARD', 'Søren Kierkegaard'],
    ['łukasz żuławski', 'Łukasz Żuławski'],
    ['ŞİMŞEK İLKNUR', 'Şimşek İlknur'], // Turkish dotted capital I kept, no stray dot
    ['GÜNTHER STRAßE', 'Günther Straße'],
    ['ВЛАДИМИР НАБОКОВ', 'Владимир Набоков'],
    ['анна каренина', 'Анна Каренина'],
    ['ΟΔΥΣΣΕΑΣ ΕΛΥΤΗΣ', 'Οδυσσεας Ελυτης'], // final sigma
    ['李 明', '李 明'], // no case: unchanged
    ['山田 太郎', '山田 太郎'],
    ['김민준', '김민준'],
    ['محمد علي', 'محمد علي'],
    ['Cafe\u0301 Olé', 'Café Olé'], // NFC
    // Mixed case kept as written.
    ['Danny DeVito', 'Danny DeVito'],
    ['DANNY DeVito', 'Danny DeVito'],
    ['Ronald McDonald', 'Ronald McDonald'],
    ['Mackenzie Davis', 'Mackenzie Davis'], // written Mackenzie: kept, not MacKenzie
    ['LeBron James', 'LeBron James'],
    ['Ludwig Van Beethoven', 'Ludwig Van Beethoven'],
    ['Dick Van Dyke', 'Dick Van Dyke'],
    ['Robert De Niro', 'Robert De Niro'],
    ['Vincent van Gogh', 'Vincent van Gogh'],
    ['DaShawn Jones', 'DaShawn Jones'],
    ['Min-jun KIM', 'Min-jun Kim'],
    ['Kim, MIN-JUN', 'Min-Jun Kim'],
    ['kim, min-jun', 'Min-Jun Kim'],
    // Mc / Mac / O'.
    ['ronald mcdonald', 'Ronald McDonald'],
    ['RONALD MCDONALD', 'Ronald McDonald'],
    ['McDONALD', 'McDonald'],
    ['paul mccartney', 'Paul McCartney'],
    ['JOHN MCENROE', 'John McEnroe'],
    ['steve mcqueen', 'Steve McQueen'],
    ['ANGUS MACLEOD', 'Angus MacLeod'],
    ['douglas macarthur', 'Douglas MacArthur'],
    ['RAMSAY MACDONALD', 'Ramsay MacDonald'],
    ['kyle maclachlan', 'Kyle MacLachlan'],
    ['SETH MACFARLANE', 'Seth MacFarlane'],
    ['rob macgregor', 'Rob MacGregor'],
    ['ALISTAIR MACKENZIE', 'Alistair MacKenzie'],
    ['MACY GRAY', 'Macy Gray'],
    ['connie mack', 'Connie Mack'],
    ['JOHN MACE', 'John Mace'],
    ['manny machado', 'Manny Machado'],
    ['NICCOLO MACHIAVELLI', 'Niccolo Machiavelli'],
    ['emmanuel macron', 'Emmanuel Macron'],
    ['RICKY MACIAS', 'Ricky Macias'],
    ['JOSE MACEDO', 'Jose Macedo'],
    ['mac miller', 'Mac Miller'],
    ['MC HAMMER', 'Mc Hammer'], // "Mc" alone is no prefix
    ["conan o'brien", "Conan O'Brien"],
    ["CONAN O'BRIEN", "Conan O'Brien"],
    ["shaquille o'neal", "Shaquille O'Neal"],
    ['ANNE O\u2019BRIEN', 'Anne O\u2019Brien'], // typographic apostrophe kept
    ['anne o\u02bcbrien', 'Anne O\u02bcBrien'],
    ["D'ANGELO RUSSELL", "D'Angelo Russell"],
    ["youssou n'dour", "Youssou N'Dour"],
    ["O'NEILL-SMITH", "O'Neill-Smith"],
    ["mu'awiya hassan", "Mu'awiya Hassan"],
    // Particles: lower case inside, capitalized first and last.
    ['PETER VAN DER BERG', 'Peter van der Berg'],
    ['van der berg', 'Van der Berg'],
    ['VAN DER BERG, PETER', 'Peter van der Berg'],
    ['juan de la cruz', 'Juan de la Cruz'],
    ['JUAN DE LA CRUZ', 'Juan de la Cruz'],
    ['DE LA CRUZ, JUAN', 'Juan de la Cruz'],
    ['de la cruz', 'De la Cruz'],
    ['charles de gaulle', 'Charles de Gaulle'],
    ['ursula von der leyen', 'Ursula von der Leyen'],
    ['LUDWIG VON MISES', 'Ludwig von Mises'],
    ['leonardo da vinci', 'Leonardo da Vinci'],
    ['LEONARDO DI CAPRIO', 'Leonardo di Caprio'],
    ['DAPHNE DU MAURIER', 'Daphne du Maurier'],
    ['jean le pen', 'Jean le Pen'],
    ['MARIA DOS SANTOS', 'Maria dos Santos'],
    ['joão das neves', 'João das Neves'],
    ['guillermo del toro', 'Guillermo del Toro'],
    ['cecilia della rovere', 'Cecilia della Rovere'],
    ['mohammed bin salman', 'Mohammed bin Salman'],
    ['ABDULLAH AL SAUD', 'Abdullah al Saud'],
    ['ahmed al-rashid', 'Ahmed Al-Rashid'], // hyphenated parts each capitalized
    ['gerard ter steege', 'Gerard ter Steege'],
    ['Peter Van der Berg', 'Peter Van der Berg'], // mixed-case Van kept
    ['THANH LE', 'Thanh Le'], // last word: the family name itself
    ['lady di', 'Lady Di'],
    ['van morrison', 'Van Morrison'],
    ['JOSÉ ORTEGA Y GASSET', 'José Ortega Y. Gasset'], // capital Y: an initial
    ['josé ortega y gasset', 'José Ortega y Gasset'],
    ['john y smith', 'John Y. Smith'],
    ['seán ó briain', 'Seán Ó Briain'], // Irish Ó: no initial period
    // Hyphens and other punctuation.
    ['maría garcía-lópez', 'María García-López'],
    ['MARY-KATE OLSEN', 'Mary-Kate Olsen'],
    ['JEAN-LUC PICARD', 'Jean-Luc Picard'],
    ["anne-marie o'connor", "Anne-Marie O'Connor"],
    ['mary smith-jones', 'Mary Smith-Jones'],
    ['ROBERT (BOB) SMITH', 'Robert (Bob) Smith'],
    ['john "jack" kennedy', 'John "Jack" Kennedy'],
    ["JOHN 'JACK' KENNEDY", "John 'Jack' Kennedy"],
    ['j.r.r. tolkien', 'J.R.R. Tolkien'],
    ['J.R.R. TOLKIEN', 'J.R.R. Tolkien'],
    ['e.e. cummings', 'E.E. Cummings'],
    ['john & jane smith', 'John & Jane Smith'],
    ['Prince', 'Prince'],
    ['madonna', 'Madonna'],
    // Initials.
    ['john a smith', 'John A. Smith'],
    ['JOHN A SMITH', 'John A. Smith'],
    ['Smith, John A', 'John A. Smith'],
    ['j smith', 'J. Smith'],
    ['Doe, J', 'J. Doe'],
    ['J R R Tolkien', 'J. R. R. Tolkien'],
    ['x y z', 'X. Y. Z'],
    ['Malcolm X', 'Malcolm X'], // last: not an initial
    ['JOHN SMITH V', 'John Smith V'],
    ['George H. W. Bush', 'George H. W. Bush'],
    ['george h w bush', 'George H. W. Bush'],
    ['A', 'A'],
    ['a b', 'A. B'],
    ['李 明 华', '李 明 华'], // uncased single characters are no initials
    // "Last, First" reordering.
    ['Smith, John', 'John Smith'],
    ['smith,john', 'John Smith'],
    ['SMITH ,JOHN', 'John Smith'],
    ['Smith , John', 'John Smith'],
    ['Smith，John', 'John Smith'], // full-width comma
    ['García López, María', 'María García López'],
    ['Doe, Jane Mary', 'Jane Mary Doe'],
    ['DOE, J. M.', 'J. M. Doe'],
    ['smith iv, john', 'John Smith IV'],
    ['Smith Jr., John', 'John Smith Jr.'],
    ['Smith, Jr., John', 'John Smith Jr.'],
    ['Smith, John, Jr.', 'John Smith Jr.'],
    ['SMITH, JOHN, III', 'John Smith III'],
    ['Smith, John, PhD', 'John Smith, PhD'],
    ['DR. SMITH, JOHN', 'Dr. John Smith'],
    ['Smith, Dr. John', 'Dr. John Smith'],
    ['smith, prof. dr. john', 'Prof. Dr. John Smith'],
    ["O'BRIEN, CONAN", "Conan O'Brien"],
    ['MACLEOD, ANGUS', 'Angus MacLeod'],
    ['Smith,', 'Smith'],
    [', John', 'John'],
    ['John,', 'John'],
    ['Smith,, John', 'John Smith'],
    // Suffixes after a comma: no reorder.
    ['Smith, Jr.', 'Smith Jr.'],
    ['John Smith, Jr.', 'John Smith Jr.'],
    ['Martin Luther King, Jr.', 'Martin Luther King Jr.'],
    ['JOHN SMITH, SR', 'John Smith Sr.'],
    ['john smith, iii', 'John Smith III'],
    ['John Smith, PhD', 'John Smith, PhD'],
    ['John Smith, Ph.D.', 'John Smith, PhD'],
    ['john smith jr., md', 'John Smith Jr., MD'],
    ['Jane Doe, M.D.', 'Jane Doe, MD'],
    ['JANE DOE, ESQ.', 'Jane Doe, Esq.'],
    ['Jane Doe, CPA, MBA', 'Jane Doe, CPA, MBA'],
    ['Jane Doe, DDS', 'Jane Doe, DDS'],
    ['Jane Doe, DVM', 'Jane Doe, DVM'],
    // Several commas that are not "Last, First": kept in order.
    ['Smith, John, Paul', 'Smith, John, Paul'],
    ['SMITH, JOHN, PAUL', 'Smith, John, Paul'],
    // Suffixes.
    ['john smith jr', 'John Smith Jr.'],
    ['JOHN SMITH JR.', 'John Smith Jr.'],
    ['John Smith Jr', 'John Smith Jr.'],
    ['john smith sr.', 'John Smith Sr.'],
    ['john smith ii', 'John Smith II'],
    ['JOHN SMITH III', 'John Smith III'],
    ['John Smith Iii', 'John Smith III'],
    ['john smith iv', 'John Smith IV'],
    ['Henry Tudor VIII', 'Henry Tudor VIII'],
    ['henry tudor viii', 'Henry Tudor VIII'],
    ['Louis Bourbon VII', 'Louis Bourbon VII'],
    ['JOHN SMITH IX', 'John Smith IX'],
    ['Henry Smith VI', 'Henry Smith VI'], // VI in capitals in a name that is not
    ['TRAN THI VI', 'Tran Thi Vi'], // a given name in an all-capitals name
    ['tran thi vi', 'Tran Thi Vi'],
    ['JOHN SMITH 2ND', 'John Smith 2nd'],
    ['john smith 3rd', 'John Smith 3rd'],
    ['john smith phd', 'John Smith, PhD'],
    ['JOHN SMITH MD', 'John Smith, MD'],
    ['john smith esq', 'John Smith, Esq.'],
    ['john smith jr iii phd', 'John Smith Jr. III, PhD'],
    ['jr', 'Jr'], // alone: a word
    ['III', 'Iii'],
    ['Smith Jr', 'Smith Jr.'],
    // Honorifics.
    ['mr john smith', 'Mr. John Smith'],
    ['MR. JOHN SMITH', 'Mr. John Smith'],
    ['Mr John Smith', 'Mr. John Smith'],
    ['mrs jane doe', 'Mrs. Jane Doe'],
    ['MS JANE DOE', 'Ms. Jane Doe'],
    ['mx sam lee', 'Mx. Sam Lee'],
    ['DR JANE DOE', 'Dr. Jane Doe'],
    ['Dr Jane Doe', 'Dr. Jane Doe'],
    ['prof jane doe', 'Prof. Jane Doe'],
    ['PROF. DR. HANS MÜLLER', 'Prof. Dr. Hans Müller'],
    ['rev. martin luther king jr.', 'Rev. Martin Luther King Jr.'],
    ['hon jane doe', 'Hon. Jane Doe'],
    ['sir ian mckellen', 'Sir Ian McKellen'],
    ['DAME JUDI DENCH', 'Dame Judi Dench'],
    ['miss jane marple', 'Miss Jane Marple'],
    ['dr. smith', 'Dr. Smith'],
    ['Dr. van der Berg', 'Dr. Van der Berg'], // first word of the name
    ['DR. JOHN SMITH, PHD', 'Dr. John Smith, PhD'],
    ['Dr', 'Dr'], // alone: a word
    ['Mr', 'Mr'],
    ['sr. juan pérez', 'Sr. Juan Pérez'], // Spanish señor: cased as a word
    // Digits and odd values are names as far as casing goes.
    ['john smith 2', 'John Smith 2'],
    ['room 101', 'Room 101'],
    ['n/a', 'N/A'],
    ['-x-', '-X-'],
    ['Ｊｏｈｎ', 'Ｊｏｈｎ'], // full-width, mixed: kept
    // Cleaning like text.
    ['\u00a0John\u00a0Smith\u00a0', 'John Smith'],
    ['John\tSmith', 'John Smith'],
    ['John\r\nSmith', 'John Smith'],
    ['Jo\u200bhn Smith', 'John Smith'],
    ['\ufeffJohn Smith', 'John Smith'],
    ['John\u00adny Smith', 'Johnny Smith'],
    ['john    smith', 'John Smith'],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(name(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(cases)('is idempotent: %j', (_raw, expected) => {
    expect(name(expected)).toEqual({ ok: true, value: expected });
  });
});

describe('name: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    ['12345', 'no letters'],
    ['@@@', 'no letters'],
    ['---', 'no letters'],
    ['...', 'no letters'],
    ['123-456', 'no letters'],
    ['(415) 555-2671', 'no letters'],
    ['2024-01-01', 'no letters'],
    ['$100', 'no letters'],
    ['#', 'no letters'],
    ['&', 'no letters'],
    ['!!!', 'no letters'],
    ['👍', 'no letters'],
    ['🇺🇸', 'no letters'],
    ['1,2', 'no letters'],
    [',', 'no letters'],
    ['john@example.com', 'e-mail'],
    ['John Smith <john@example.com>', 'e-mail'],
    ['mailto:john@example.com', 'e-mail'],
    ['@johnsmith', 'e-mail'],
    ['https://example.com/john', 'web address'],
    ['http://x', 'web address'],
    ['www.example.com', 'web address'],
    ['WWW.EXAMPLE.COM', 'web address'],
    ['John Smith www.johnsmith.com', 'web address'],
    ['ftp://files.example.com', 'web address'],
  ];
  it.each(cases)('%j -> invalid_name (%s)', (raw, reason) => {
    const result = name(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidName });
    expect(result.ok ? '' : result.message).toContain(reason);
  });

  it.each(['', '   ', '\u200b'])('blank %j (never sent by normalizeValue) -> invalid', (raw) => {
    expect(name(raw)).toMatchObject({ ok: false, code: ERROR_CODES.invalidName });
  });
});

describe('splitName', () => {
  const parts = (
    prefix: string,
    first: string,
    middle: string,
    last: string,
    suffix: string,
  ): NameParts => ({ prefix, first, middle, last, suffix });
  const cases: [raw: string, expected: NameParts][] = [
    ['SMITH, JOHN A. JR', parts('', 'John', 'A.', 'Smith', 'Jr.')],
    ['John A. Smith Jr.', parts('', 'John', 'A.', 'Smith', 'Jr.')],
    ['DOE, JANE M.', parts('', 'Jane', 'M.', 'Doe', '')],
    ['peter van der berg', parts('', 'Peter', '', 'van der Berg', '')],
    ["SEAN O'MALLEY", parts('', 'Sean', '', "O'Malley", '')],
    ['  maría   garcía lópez ', parts('', 'María', 'García', 'López', '')],
    ['García López, María', parts('', 'María', '', 'García López', '')],
    ['angus macleod iii', parts('', 'Angus', '', 'MacLeod', 'III')],
    ['x', parts('', 'X', '', '', '')],
    ['Kim, Min-jun', parts('', 'Min-jun', '', 'Kim', '')],
    ['dr. alice B. smith', parts('Dr.', 'Alice', 'B.', 'Smith', '')],
    ['Prof. Dr. Hans Müller', parts('Prof. Dr.', 'Hans', '', 'Müller', '')],
    ['Dr. Smith', parts('Dr.', '', '', 'Smith', '')],
    ['Smith Jr.', parts('', '', '', 'Smith', 'Jr.')],
    ['Smith, Jr.', parts('', '', '', 'Smith', 'Jr.')],
    ['Madonna', parts('', 'Madonna', '', '', '')],
    ['Juan de la Cruz', parts('', 'Juan', '', 'de la Cruz', '')],
    ['DE LA CRUZ, JUAN', parts('', 'Juan', '', 'de la Cruz', '')],
    ['Ursula von der Leyen', parts('', 'Ursula', '', 'von der Leyen', '')],
    ['Ludwig Van Beethoven', parts('', 'Ludwig', '', 'Van Beethoven', '')],
    ['Van Morrison', parts('', 'Van', '', 'Morrison', '')],
    ['José Ortega y Gasset', parts('', 'José', '', 'Ortega y Gasset', '')],
    ['Seán Ó Briain', parts('', 'Seán', '', 'Ó Briain', '')],
    ['Luis San Martín', parts('', 'Luis', '', 'San Martín', '')],
    ['Mohamed El Sayed', parts('', 'Mohamed', '', 'El Sayed', '')],
    ['George H. W. Bush', parts('', 'George', 'H. W.', 'Bush', '')],
    ['J R R Tolkien', parts('', 'J.', 'R. R.', 'Tolkien', '')],
    ['Martin Luther King, Jr.', parts('', 'Martin', 'Luther', 'King', 'Jr.')],
    ['Rev. Martin Luther King Jr.', parts('Rev.', 'Martin', 'Luther', 'King', 'Jr.')],
    ['john smith jr., md', parts('', 'John', '', 'Smith', 'Jr., MD')],
    ['Jane Doe, CPA, MBA', parts('', 'Jane', '', 'Doe', 'CPA, MBA')],
    ['DR. JOHN SMITH, PHD', parts('Dr.', 'John', '', 'Smith', 'PhD')],
    ['Mary-Kate Olsen', parts('', 'Mary-Kate', '', 'Olsen', '')],
    ['李 明', parts('', '李', '', '明', '')],
    ['Smith, John, Paul', parts('', 'Smith', 'John', 'Paul', '')], // commas dropped
    ['12345', parts('', '', '', '', '')],
    ['john@example.com', parts('', '', '', '', '')],
    ['', parts('', '', '', '', '')],
  ];
  it.each(cases)('%j', (raw, expected) => {
    expect(splitName(raw)).toEqual(expected);
  });

  it('agrees with the normalized value', () => {
    for (const [raw] of cases) {
      const result = name(raw);
      if (!result.ok || raw === 'Smith, John, Paul') continue;
      const p = splitName(raw);
      const joined = [p.prefix, p.first, p.middle, p.last].filter((s) => s !== '').join(' ');
      expect(result.value.startsWith(joined)).toBe(true);
      expect(result.value.endsWith(p.suffix)).toBe(true);
    }
  });
});

describe('properCaseWord and needsRecase', () => {
  it.each([
    ['smith', 'Smith'],
    ['SMITH', 'Smith'],
    ['garcía-lópez', 'García-López'],
    ['mcdonald', 'McDonald'],
    ['macleod', 'MacLeod'],
    ['macy', 'Macy'],
    ["o'brien", "O'Brien"],
    ['j.r.r.', 'J.R.R.'],
    ['21st', '21st'],
    ['(bob)', '(Bob)'],
    ['', ''],
  ])('properCaseWord(%j) -> %j', (word, expected) => {
    expect(properCaseWord(word)).toBe(expected);
  });

  it.each([
    ['smith', true],
    ['SMITH', true],
    ['McDONALD', true],
    ['B', true],
    ['b.', true],
    ['李', true],
    ['Smith', false],
    ['DeVito', false],
    ['Min-jun', false],
    ['McDonald', false],
    ['Jo', false],
    ['JoHn', false], // as many capitals as lower case
    ['JoHN', true],
  ])('needsRecase(%j) -> %s', (word, expected) => {
    expect(needsRecase(word)).toBe(expected);
  });
});

describe('name: definition', () => {
  it('is the name type with no looksLike (any text could be a name)', () => {
    expect(nameType.type).toBe('name');
    expect(nameType.looksLike).toBeUndefined();
  });

  it('has header keys: lower case letters and digits, no duplicates', () => {
    for (const synonym of nameType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(new Set(nameType.headerSynonyms).size).toBe(nameType.headerSynonyms.length);
    expect(nameType.headerSynonyms).toEqual(
      expect.arrayContaining([
        'name',
        'fullname',
        'contactname',
        'customername',
        'personname',
        'firstname',
        'lastname',
        'givenname',
        'surname',
        'familyname',
        'middlename',
      ]),
    );
  });
});

describe('name: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      'A'.repeat(n),
      'a '.repeat(n / 2),
      'A '.repeat(n / 2),
      ','.repeat(n),
      `${'a,'.repeat(n / 2)}b`,
      `${'smith, '.repeat(n / 7)}john`,
      `john ${'jr '.repeat(n / 3)}`,
      `${'dr '.repeat(n / 3)}smith`,
      `john ${'van '.repeat(n / 4)}berg`,
      `john ${'y '.repeat(n / 2)}smith`,
      'mc'.repeat(n / 2),
      `mac${'leod'.repeat(n / 4)}`,
      "o'".repeat(n / 2),
      '-'.repeat(n),
      `${'-'.repeat(n)}a`,
      'a-'.repeat(n / 2),
      'a.'.repeat(n / 2),
      '1'.repeat(n),
      `${'1'.repeat(n)}@`,
      `${'w'.repeat(n)}.`,
      'www.'.repeat(n / 4),
      ':/'.repeat(n / 2),
      'İ'.repeat(n),
      'ß'.repeat(n),
      'Σ'.repeat(n),
      '李'.repeat(n),
      '\u200b'.repeat(n),
      `${' '.repeat(n)}john smith${' '.repeat(n)}`,
      `${'a'.repeat(n)}, ${'b'.repeat(n)}`,
    ];
    for (const raw of inputs) {
      const result = name(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(200);
      splitName(raw);
    }
    expect(name(`${' '.repeat(n)}john smith${' '.repeat(n)}`)).toEqual({
      ok: true,
      value: 'John Smith',
    });
    expect(name('A'.repeat(n))).toEqual({ ok: true, value: `A${'a'.repeat(n - 1)}` });
    expect(name('1'.repeat(n)).ok).toBe(false);
  });
});
