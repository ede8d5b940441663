import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { companyType } from './company.ts';

const options = { phoneRegion: 'US' };
const company = (raw: string) => companyType.normalize(raw, options, {});

describe('company: valid', () => {
  const cases: [raw: string, expected: string][] = [
    // SPEC section 3 and contacts-sample.csv.
    ['ACME CORPORATION', 'Acme Corporation'],
    ['INITECH LLC', 'Initech LLC'],
    ['philips', 'Philips'],
    ['SAMSUNG ELECTRONICS', 'Samsung Electronics'],
    // Mixed case kept.
    ['eBay Inc.', 'eBay Inc.'],
    ['eBay inc', 'eBay Inc.'],
    ['iRobot Corp', 'iRobot Corp.'],
    ['PayPal Holdings, Inc.', 'PayPal Holdings, Inc.'],
    ['McKinsey & Company', 'McKinsey & Company'],
    ['Acme Corp', 'Acme Corp.'],
    ['ACME corp', 'ACME Corp.'], // mixed as a whole: only the legal form rewritten
    ['Initech llc', 'Initech LLC'],
    ['YouTube', 'YouTube'],
    ['IBM Corporation', 'IBM Corporation'],
    ['Macy\u2019s', 'Macy\u2019s'],
    ['adidas AG', 'adidas AG'], // lower-case brand with a capital suffix: mixed, kept
    ['Ernst & Young', 'Ernst & Young'],
    ['Hewlett-Packard Company', 'Hewlett-Packard Company'],
    // Short acronyms and known acronyms stay in capitals.
    ['IBM', 'IBM'],
    ['AT&T', 'AT&T'],
    ['3M', '3M'],
    ['SAP', 'SAP'],
    ['BMW', 'BMW'],
    ['KPMG', 'KPMG'],
    ['GE', 'GE'],
    ['H&M', 'H&M'],
    ['ACME', 'ACME'], // one word, four letters: could be an acronym
    ['IBM CORP', 'IBM Corp.'],
    ['IBM CORPORATION', 'IBM Corporation'],
    ['AT&T INC', 'AT&T Inc.'],
    ['at&t inc', 'AT&T Inc.'],
    ['3M COMPANY', '3M Company'],
    ['3m company', '3M Company'],
    ['SAP SE', 'SAP SE'],
    ['sap se', 'SAP SE'],
    ['BMW AG', 'BMW AG'],
    ['bmw ag', 'BMW AG'],
    ['KPMG LLP', 'KPMG LLP'],
    ['kpmg llp', 'KPMG LLP'],
    ['HSBC HOLDINGS PLC', 'HSBC Holdings PLC'],
    ['BASF SE', 'BASF SE'],
    ['ING GROEP NV', 'ING Groep N.V.'],
    ['UBS GROUP AG', 'UBS Group AG'],
    ['DHL EXPRESS', 'DHL Express'],
    ['T-MOBILE US', 'T-Mobile US'],
    ['ACME (UK) LTD', 'Acme (UK) Ltd.'],
    ['GENERAL MOTORS (GM)', 'General Motors (GM)'],
    ['P&G', 'P&G'],
    ['S&P GLOBAL', 'S&P Global'],
    ['A&W RESTAURANTS', 'A&W Restaurants'],
    ['PWC', 'PWC'],
    ['CVS HEALTH', 'CVS Health'], // no vowel: an acronym
    ['TSMC', 'TSMC'],
    ['BHP GROUP', 'BHP Group'],
    ['B2B SOLUTIONS', 'B2B Solutions'],
    ['ACME FUND III LP', 'Acme Fund III L.P.'],
    // All capitals or all lower case: re-cased.
    ['ACME INC', 'Acme Inc.'],
    ['SONY CORP', 'Sony Corp.'],
    ['DELL INC.', 'Dell Inc.'],
    ['acme corporation', 'Acme Corporation'],
    ['GENERAL ELECTRIC CO', 'General Electric Co.'],
    ['BERKSHIRE HATHAWAY INC', 'Berkshire Hathaway Inc.'],
    ['JOHNSON & JOHNSON', 'Johnson & Johnson'],
    ['JOHNSON&JOHNSON', 'Johnson&Johnson'],
    ['PROCTER & GAMBLE', 'Procter & Gamble'],
    ['BANK OF AMERICA', 'Bank of America'],
    ['bank of america corp', 'Bank of America Corp.'],
    ['THE HOME DEPOT', 'The Home Depot'],
    ['the coca-cola company', 'The Coca-Cola Company'],
    ['COCA-COLA', 'Coca-Cola'],
    ['ROLLS-ROYCE HOLDINGS PLC', 'Rolls-Royce Holdings PLC'],
    ['MERCEDES-BENZ GROUP AG', 'Mercedes-Benz Group AG'],
    ['7-ELEVEN', '7-Eleven'],
    ['7-eleven inc', '7-Eleven Inc.'],
    ['21ST CENTURY FOX', '21st Century Fox'],
    ['1ST SOURCE BANK', '1st Source Bank'],
    ["MCDONALD'S CORP", "McDonald's Corp."],
    ["mcdonald's", "McDonald's"],
    ["O'REILLY MEDIA", "O'Reilly Media"],
    ["L'OREAL SA", "L'Oreal S.A."],
    ["MACY'S", "Macy's"],
    ['MACK TRUCKS', 'Mack Trucks'],
    ['MACMILLAN PUBLISHERS', 'MacMillan Publishers'],
    ['BANCO SANTANDER SA', 'Banco Santander S.A.'],
    ['BANCO DE LA NACION', 'Banco de la Nacion'],
    ['LOUIS VUITTON MOET HENNESSY', 'Louis Vuitton Moet Hennessy'],
    ['NESTLÉ S.A.', 'Nestlé S.A.'],
    ['nestlé', 'Nestlé'],
    ['SOCIÉTÉ GÉNÉRALE', 'Société Générale'],
    ['DEUTSCHE BANK AG', 'Deutsche Bank AG'],
    ['VOLKSWAGEN AG', 'Volkswagen AG'],
    ['ERNST & YOUNG', 'Ernst & Young'],
    ['ST JAMES PLACE', 'St James Place'], // abbreviation, not an acronym
    ['ST. JUDE MEDICAL', 'St. Jude Medical'],
    ['MFG SOLUTIONS', 'Mfg Solutions'],
    ['SKY MEDIA', 'Sky Media'],
    ['ПАО ГАЗПРОМ', 'Пао Газпром'],
    ['ООО ЯНДЕКС', 'Ооо Яндекс'],
    ['株式会社トヨタ', '株式会社トヨタ'], // no case: unchanged
    ['삼성전자', '삼성전자'],
    ['TOYOTA MOTOR CORP', 'Toyota Motor Corp.'],
    ['ABC CONSULTING', 'ABC Consulting'],
    ['FOO BAR AND SONS', 'Foo Bar and Sons'],
    ['SMITH BROS', 'Smith Bros'],
    // Legal forms.
    ['acme llc', 'Acme LLC'],
    ['Acme Llc', 'Acme LLC'],
    ['Acme L.L.C.', 'Acme LLC'],
    ['Acme l.l.c', 'Acme LLC'],
    ['Acme LLC.', 'Acme LLC'],
    ['Acme inc', 'Acme Inc.'],
    ['Acme INC.', 'Acme Inc.'],
    ['Acme Inc', 'Acme Inc.'],
    ['Acme Incorporated', 'Acme Incorporated'], // words stay words
    ['ACME INCORPORATED', 'Acme Incorporated'],
    ['Acme ltd', 'Acme Ltd.'],
    ['Acme LTD', 'Acme Ltd.'],
    ['Acme Limited', 'Acme Limited'],
    ['Acme gmbh', 'Acme GmbH'],
    ['Acme GMBH', 'Acme GmbH'],
    ['Acme Gmbh', 'Acme GmbH'],
    ['Acme ag', 'Acme AG'],
    ['Acme sa', 'Acme S.A.'],
    ['Acme S.A', 'Acme S.A.'],
    ['Acme SA', 'Acme S.A.'],
    ['Acme bv', 'Acme B.V.'],
    ['Acme B.V.', 'Acme B.V.'],
    ['Acme NV', 'Acme N.V.'],
    ['Acme plc', 'Acme PLC'],
    ['Acme corp', 'Acme Corp.'],
    ['Acme CORP.', 'Acme Corp.'],
    ['Acme Corporation', 'Acme Corporation'],
    ['Acme co', 'Acme Co.'],
    ['Acme CO.', 'Acme Co.'],
    ['Acme Company', 'Acme Company'],
    ['Acme llp', 'Acme LLP'],
    ['Acme lp', 'Acme L.P.'],
    ['Acme L.P.', 'Acme L.P.'],
    ['Acme sl', 'Acme S.L.'],
    ['Acme S.L.', 'Acme S.L.'],
    ['Ferrari S.p.A.', 'Ferrari S.p.A.'],
    ['Ferrari SpA', 'Ferrari S.p.A.'],
    ['FERRARI S.P.A.', 'Ferrari S.p.A.'],
    ['ferrari s.p.a', 'Ferrari S.p.A.'],
    ['Serenity Day Spa', 'Serenity Day Spa'], // a spa, not a società per azioni
    ['SERENITY DAY SPA', 'Serenity Day Spa'],
    ['Acme pty ltd', 'Acme Pty Ltd'],
    ['ACME PTY. LTD.', 'Acme Pty Ltd'],
    ['ACME (PTY) LTD', 'Acme (Pty) Ltd'],
    ['Acme Pte. Ltd.', 'Acme Pte. Ltd.'],
    ['ACME PTE LTD', 'Acme Pte. Ltd.'],
    ['Acme Sdn Bhd', 'Acme Sdn. Bhd.'],
    ['Acme Pvt Ltd', 'Acme Pvt. Ltd.'],
    ['Acme se', 'Acme SE'],
    ['Acme kgaa', 'Acme KGaA'],
    ['Acme AB', 'Acme AB'],
    ['Acme oyj', 'Acme Oyj'],
    ['Acme pllc', 'Acme PLLC'],
    ['FOO GMBH & CO KG', 'Foo GmbH & Co. KG'],
    ['Foo GmbH & Co. KG', 'Foo GmbH & Co. KG'],
    ['Foo Gesellschaft mbH', 'Foo Gesellschaft mbH'],
    ['SAMSUNG ELECTRONICS CO., LTD.', 'Samsung Electronics Co., Ltd.'],
    ['samsung electronics co ltd', 'Samsung Electronics Co. Ltd.'],
    ['Johnson & Co', 'Johnson & Co.'],
    ['JOHNSON & CO', 'Johnson & Co.'],
    ['Ford Motor Co', 'Ford Motor Co.'],
    ['Co', 'Co'], // the whole name: a word
    ['inc', 'Inc'],
    ['INC', 'INC'],
    ['LLC', 'LLC'],
    ['Inc Magazine', 'Inc Magazine'], // only at the end
    ['ACME CO OPERATIVE', 'Acme Co Operative'],
    // A comma before the legal form is kept as written; spacing around it repaired.
    ['Acme, Inc.', 'Acme, Inc.'],
    ['Acme, inc', 'Acme, Inc.'],
    ['ACME, INC', 'Acme, Inc.'],
    ['Acme ,Inc', 'Acme, Inc.'],
    ['acme,inc.', 'Acme, Inc.'],
    ['Acme , LLC', 'Acme, LLC'],
    ['Acme Inc', 'Acme Inc.'],
    ['Acme Holdings, L.L.C.', 'Acme Holdings, LLC'],
    ['Fund 1,000', 'Fund 1,000'],
    // Cleaning like text.
    ['  Acme\u200b  Corp ', 'Acme Corp.'],
    ['\u00a0Acme\u00a0Corporation\u00a0', 'Acme Corporation'],
    ['Acme\tCorp', 'Acme Corp.'],
    ['Acme\r\nCorporation', 'Acme Corporation'],
    ['\ufeffAcme', 'Acme'],
    ['Cafe\u0301 Inc', 'Café Inc.'],
    // Anything with a letter or digit is a company name.
    ['123', '123'],
    ['7', '7'],
    ['x', 'X'],
    ['A', 'A'],
    ['(Acme)', '(Acme)'],
    ['"ACME"', '"ACME"'],
    ['n/a', 'N/A'],
    ['Acme / Initech', 'Acme / Initech'],
    ['acme + co', 'Acme + Co.'],
    ['ACME & CO.', 'Acme & Co.'],
    ['&Co', '&Co'],
    ['Ｆｕｌｌ ｗｉｄｔｈ', 'Ｆｕｌｌ ｗｉｄｔｈ'],
    ['👍 ACME', '👍 Acme'],
    ['#1 CHOICE', '#1 Choice'],
    ['WWW.EXAMPLE.COM', 'Www.Example.Com'],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(company(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(cases)('is idempotent: %j', (_raw, expected) => {
    expect(company(expected)).toEqual({ ok: true, value: expected });
  });
});

describe('company: invalid', () => {
  const cases = [
    '---',
    '@@@',
    '...',
    '&',
    '& &',
    ',',
    '!!!',
    '"',
    '()',
    '👍',
    '🇺🇸',
    '—',
    '*',
    '#',
    '/',
  ];
  it.each(cases)('%j -> invalid_company', (raw) => {
    const result = company(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidCompany });
    expect(result.ok ? '' : result.message).toContain('no letter or digit');
  });

  it.each(['', '   ', '\u200b'])('blank %j (never sent by normalizeValue) -> invalid', (raw) => {
    expect(company(raw)).toMatchObject({ ok: false, code: ERROR_CODES.invalidCompany });
  });
});

describe('company: definition', () => {
  it('is the company type with no looksLike (any text could be a company)', () => {
    expect(companyType.type).toBe('company');
    expect(companyType.looksLike).toBeUndefined();
  });

  it('has header keys: lower case letters and digits, no duplicates', () => {
    for (const synonym of companyType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]+$/);
    expect(new Set(companyType.headerSynonyms).size).toBe(companyType.headerSynonyms.length);
    expect(companyType.headerSynonyms).toEqual(
      expect.arrayContaining([
        'company',
        'companyname',
        'employer',
        'organization',
        'organisation',
        'org',
        'business',
        'businessname',
        'account',
        'accountname',
        'firm',
      ]),
    );
  });
});

describe('company: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      'A'.repeat(n),
      'a '.repeat(n / 2),
      'A '.repeat(n / 2),
      `acme ${'inc '.repeat(n / 4)}`,
      `ACME ${'& CO '.repeat(n / 5)}`,
      `acme ${'l.l.c. '.repeat(n / 7)}`,
      ','.repeat(n),
      ', '.repeat(n / 2),
      ' ,'.repeat(n / 2),
      'a,'.repeat(n / 2),
      `a${'.'.repeat(n)}`,
      `(${'.'.repeat(n)}a${'.'.repeat(n)})`,
      `${'('.repeat(n)}inc`,
      `acme ${'('.repeat(n)}inc${')'.repeat(n)}`,
      '&'.repeat(n),
      'b2b'.repeat(n / 3),
      'mc'.repeat(n / 2),
      "o'".repeat(n / 2),
      '-'.repeat(n),
      'İ'.repeat(n),
      '株'.repeat(n),
      '\u200b'.repeat(n),
      `${' '.repeat(n)}acme inc${' '.repeat(n)}`,
    ];
    for (const raw of inputs) {
      const result = company(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(200);
    }
    expect(company(`${' '.repeat(n)}acme inc${' '.repeat(n)}`)).toEqual({
      ok: true,
      value: 'Acme Inc.',
    });
    expect(company('A'.repeat(n))).toEqual({ ok: true, value: `A${'a'.repeat(n - 1)}` });
    expect(company('-'.repeat(n)).ok).toBe(false);
  });
});
