import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { normalizeValue } from '../registry.ts';

const options = { phoneRegion: 'US' };
const email = (raw: string) => normalizeValue('email', raw, options);

// 64-character local part, and a domain that brings the address to exactly 254.
const LOCAL_64 = 'l'.repeat(64);
const DOMAIN_189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;

describe('email: valid', () => {
  const cases: [raw: string, expected: string][] = [
    [' John.Doe@Example.COM ', 'john.doe@example.com'], // SPEC example
    ['mailto:p.vdberg@example.nl', 'p.vdberg@example.nl'],
    ['MAILTO:Someone@Example.org', 'someone@example.org'],
    ['MailTo: someone@example.org', 'someone@example.org'],
    ['mailto:info@example.com?subject=Hello%20there', 'info@example.com'],
    ['John Doe <John.Doe@Example.com>', 'john.doe@example.com'],
    ['"Doe, John" <john@example.com>', 'john@example.com'],
    ['"a <b>" <x@example.com>', 'x@example.com'],
    ['<info@example.com>', 'info@example.com'],
    ['< info@example.com >', 'info@example.com'],
    ['<mailto:info@example.com>', 'info@example.com'],
    ['Jane <mailto:JANE@EXAMPLE.COM>', 'jane@example.com'],
    ['user+tag@example.com', 'user+tag@example.com'],
    ['J.Doe+news@GMail.com', 'j.doe+news@gmail.com'], // no provider canonicalization
    ['j.o.h.n@gmail.com', 'j.o.h.n@gmail.com'],
    ['first.last@sub.example.co.uk', 'first.last@sub.example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['user_name-1@example-mail.com', 'user_name-1@example-mail.com'],
    ["!#$%&'*+/=?^_`{|}~-@example.com", "!#$%&'*+/=?^_`{|}~-@example.com"],
    ['1234567890@example.com', '1234567890@example.com'],
    ['a@b.co', 'a@b.co'],
    ['x@mail.example.museum', 'x@mail.example.museum'],
    ['x@123.example.com', 'x@123.example.com'],
    ['x@a-b-c.example', 'x@a-b-c.example'],
    ['\u00a0john@example.com\u00a0', 'john@example.com'],
    ['\tjohn@example.com\r\n', 'john@example.com'],
    ['john\u200b@example.com', 'john@example.com'], // zero-width space pasted in
    ['\ufeffjohn@example.com', 'john@example.com'],
    ['john@exam\u00adple.com', 'john@example.com'], // soft hyphen
    ['user@münchen.de', 'user@münchen.de'],
    ['USER@MÜNCHEN.DE', 'user@münchen.de'],
    ['user@mu\u0308nchen.de', 'user@münchen.de'], // NFD -> NFC
    ['user@xn--mnchen-3ya.de', 'user@münchen.de'], // A-labels: the canonical Unicode form
    ['info@пример.рф', 'info@пример.рф'],
    ['INFO@ПРИМЕР.РФ', 'info@пример.рф'],
    ['info@xn--e1afmkfd.xn--p1ai', 'info@пример.рф'],
    ['Info@XN--E1AFMKFD.рф', 'info@пример.рф'], // the two forms mixed
    ['a@ｅｘａｍｐｌｅ.com', 'a@example.com'], // full-width letters, mapped by IDNA
    // UTF-8 local parts (RFC 6531).
    ['jöhn@example.com', 'jöhn@example.com'],
    ['JÖRG@Example.DE', 'jörg@example.de'],
    ['jo\u0308rg@example.de', 'jörg@example.de'], // NFD -> NFC
    ['用户@例子.广告', '用户@例子.广告'],
    ['δοκιμή@παράδειγμα.δοκιμή', 'δοκιμή@παράδειγμα.δοκιμή'],
    ['Ünal <ÜNAL@XN--MNCHEN-3YA.DE>', 'ünal@münchen.de'],
    [`${'ü'.repeat(32)}@example.com`, `${'ü'.repeat(32)}@example.com`], // 64 bytes
    ['info@例え.jp', 'info@例え.jp'],
    ['info@例え。jp', 'info@例え.jp'], // ideographic full stop
    ['info@ουτοπία.δπθ.gr', 'info@ουτοπία.δπθ.gr'],
    ['info@बाज़ार.भारत', 'info@बाज़ार.भारत'], // combining marks in labels
    [`${LOCAL_64}@example.com`, `${LOCAL_64}@example.com`],
    [`x@${'a'.repeat(63)}.com`, `x@${'a'.repeat(63)}.com`],
    [`${LOCAL_64}@${DOMAIN_189}`, `${LOCAL_64}@${DOMAIN_189}`], // exactly 254
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(email(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['', '   ', '\t', '\u200b', '\u00a0\ufeff'])('blank %j -> empty', (raw) => {
    expect(email(raw)).toEqual({ ok: true, value: '' });
  });
});

describe('email: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    ['not-an-email', "missing '@'"],
    ['John Doe', "missing '@'"],
    ['john.example.com', "missing '@'"],
    ['john@', "nothing after '@'"],
    ['@example.com', "nothing before '@'"],
    ['john@@example.com', "more than one '@'"],
    ['a@b@example.com', "more than one '@'"],
    ['john@example.com, jane@example.com', "more than one '@'"],
    ['john@example.com; jane@example.com', "more than one '@'"],
    ['john.doe@example', 'has no dot'],
    ['john@localhost', 'has no dot'],
    ['john..doe@example.com', 'two dots in a row'],
    ['.john@example.com', 'starts or ends with a dot'],
    ['john.@example.com', 'starts or ends with a dot'],
    ['john doe@example.com', "a space is not allowed before '@'"],
    ['john@exam ple.com', 'a space is not allowed in the domain'],
    ['john(comment)@example.com', "'(' is not allowed before '@'"],
    ['"john doe"@example.com', `'"' is not allowed before '@'`], // quoted local parts unsupported
    ['j☃@example.com', "'☃' is not allowed before '@'"], // letters, marks and digits only
    ['jö hn@example.com', "a space is not allowed before '@'"],
    ['\u0301abc@example.com', 'starts with a combining mark'],
    [`${'ü'.repeat(33)}@example.com`, 'longer than 64 bytes in UTF-8'],
    ['john@example..com', 'empty part'],
    ['john@.example.com', 'empty part'],
    ['john@example.com.', 'empty part'],
    ['john@-example.com', "starts or ends with '-'"],
    ['john@example-.com', "starts or ends with '-'"],
    ['john@exa_mple.com', "'_' is not allowed in the domain"],
    ['john@example.c', 'top-level domain'],
    ['john@example.123', 'top-level domain'],
    ['john@192.168.0.1', 'top-level domain'],
    ['john@example.c0m', 'top-level domain'],
    ['john@[192.168.0.1]', "'[' is not allowed in the domain"],
    ['john@example.com>', "'>' is not allowed in the domain"],
    ['Name <john@example.com', "a space is not allowed before '@'"],
    ['<>', 'no address'],
    ['mailto:', 'no address'],
    ['john@xn--zz.com', 'not a valid internationalized name'],
    ['john@xn--.com', "starts or ends with '-'"],
    ['john@xn--ls8h.la', 'not a valid internationalized name'], // decodes to an emoji
    ['john@\u0301abc.com', 'not a valid internationalized domain name'], // starts with a mark
    ['john@example.com/path', "'/' is not allowed in the domain"],
    ['http://example.com', "missing '@'"],
    [`${LOCAL_64}l@example.com`, 'longer than 64'],
    [`x@${'a'.repeat(64)}.com`, 'longer than 63'],
    [`x@${'ü'.repeat(60)}.de`, 'longer than 63 characters once encoded'],
    [`${LOCAL_64}@${DOMAIN_189}m`, 'longer than 254'], // 255
    ['n/a', "missing '@'"],
    ['-', "missing '@'"],
  ];
  it.each(cases)('%j -> invalid_email (%s)', (raw, reason) => {
    const result = email(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidEmail });
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('email: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      `${'a'.repeat(n)}@example.com`,
      `a@${'b'.repeat(n)}`,
      `a@${'b.'.repeat(n / 2)}com`,
      `a@${'b-'.repeat(n / 2)}.com`,
      `${'a.'.repeat(n / 2)}@example.com`,
      `${'.'.repeat(n)}@example.com`,
      `a@${'-'.repeat(n)}.com`,
      '@'.repeat(n),
      '<'.repeat(n),
      `${'<'.repeat(n)}>`,
      `${'mailto:'.repeat(n / 7)}a@b.com`,
      `${'ü'.repeat(n)}@example.com`,
      `a@${'ü'.repeat(n)}.de`,
      `a@${'ü.'.repeat(n / 2)}de`,
      `${' '.repeat(n)}x@y.com${' '.repeat(n)}`,
    ];
    for (const raw of inputs) {
      const result = email(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(200);
    }
    expect(email(`${' '.repeat(n)}x@y.com${' '.repeat(n)}`)).toEqual({
      ok: true,
      value: 'x@y.com',
    });
    expect(email(`a@${'b'.repeat(n)}`).ok).toBe(false);
  });
});

describe('email: internationalEmail refuse', () => {
  const refuse = (raw: string) =>
    normalizeValue('email', raw, { ...options, internationalEmail: 'refuse' });
  it.each([
    ['jörg@example.de', "the part before '@' is not ASCII"],
    ['user@münchen.de', "'münchen.de' is an internationalized domain name"],
    ['user@xn--mnchen-3ya.de', "'münchen.de' is an internationalized domain name"],
  ])('%j -> international_email', (raw, reason) => {
    const result = refuse(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.internationalEmail });
    expect(result.ok ? '' : result.message).toContain(reason);
  });

  it('keeps ASCII addresses, those IDNA maps to ASCII too, and reports bad ones as invalid_email', () => {
    expect(refuse('John@Example.com')).toEqual({ ok: true, value: 'john@example.com' });
    expect(refuse('a@ｅｘａｍｐｌｅ.com')).toEqual({ ok: true, value: 'a@example.com' });
    expect(refuse('j☃@example.com')).toMatchObject({ code: ERROR_CODES.invalidEmail });
    expect(
      normalizeValue('email', 'jörg@example.de', { ...options, internationalEmail: 'allow' }),
    ).toEqual({ ok: true, value: 'jörg@example.de' });
  });
});
