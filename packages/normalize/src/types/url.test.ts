import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors.ts';
import { normalizeUrl, urlType } from './url.ts';

// The registry does not list this type yet: call the definition directly.
const url = (raw: string) => urlType.normalize(raw, { phoneRegion: 'US' }, {});

describe('url: valid', () => {
  const cases: [raw: string, expected: string][] = [
    ['Example.com/a', 'https://example.com/a'], // SPEC example
    // Scheme added when missing; http kept when given.
    ['example.com', 'https://example.com'],
    ['example.com/', 'https://example.com/'],
    ['www.example.com', 'https://www.example.com'],
    ['WWW.Example.COM', 'https://www.example.com'],
    ['//example.com/x', 'https://example.com/x'],
    ['http://example.com', 'http://example.com'],
    ['http://example.com/', 'http://example.com/'],
    ['https://example.com', 'https://example.com'],
    ['HTTP://EXAMPLE.COM', 'http://example.com'],
    ['Https://Example.com/Path', 'https://example.com/Path'],
    ['http:example.com', 'http://example.com'],
    ['https:/example.com/a', 'https://example.com/a'],
    ['ftp://files.example.org/pub/file.txt', 'ftp://files.example.org/pub/file.txt'],
    ['FTP://Files.Example.org', 'ftp://files.example.org'],
    // Host lower-cased; path, query and fragment kept as written.
    ['https://EXAMPLE.com/CaseSensitive/Path', 'https://example.com/CaseSensitive/Path'],
    ['example.com/a/B/c.html', 'https://example.com/a/B/c.html'],
    ['example.com/search?q=Hello&Lang=EN', 'https://example.com/search?q=Hello&Lang=EN'],
    ['example.com/?b=2&a=1', 'https://example.com/?b=2&a=1'], // parameter order kept
    ['example.com?x=1', 'https://example.com?x=1'],
    ['example.com#top', 'https://example.com#top'],
    ['https://example.com/a#Section-2', 'https://example.com/a#Section-2'],
    ['https://example.com/a%20b', 'https://example.com/a%20b'],
    ['https://example.com/%7Euser', 'https://example.com/%7Euser'], // escapes kept
    ['https://example.com/~user', 'https://example.com/~user'],
    ['https://example.com/a?x=%2F', 'https://example.com/a?x=%2F'],
    ['https://example.com/path;params', 'https://example.com/path;params'],
    ['https://example.com?', 'https://example.com?'],
    ['https://example.com/a?', 'https://example.com/a?'],
    ['https://example.com/a#', 'https://example.com/a#'],
    ['https://example.com/a/', 'https://example.com/a/'],
    // What a URL cannot hold is percent-encoded by the WHATWG serializer.
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['https://example.com/café', 'https://example.com/caf%C3%A9'],
    ['https://example.com/?q=ä', 'https://example.com/?q=%C3%A4'],
    ['https://ja.wikipedia.org/wiki/東京', 'https://ja.wikipedia.org/wiki/%E6%9D%B1%E4%BA%AC'],
    ['https://example.com/a/../b', 'https://example.com/b'],
    ['https://example.com/a/./b', 'https://example.com/a/b'],
    ['example.com\\a\\b', 'https://example.com/a/b'],
    // Default ports removed, others kept.
    ['https://example.com:443', 'https://example.com'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['ftp://example.com:21/a', 'ftp://example.com/a'],
    ['http://example.com:443/a', 'http://example.com:443/a'],
    ['https://example.com:80', 'https://example.com:80'],
    ['example.com:8080', 'https://example.com:8080'],
    ['example.com:8080/a', 'https://example.com:8080/a'],
    ['https://example.com:08080/', 'https://example.com:8080/'],
    // Final dot of the host dropped.
    ['example.com.', 'https://example.com'],
    ['https://example.com./a', 'https://example.com/a'],
    // Hosts.
    ['sub.domain.example.co.uk', 'https://sub.domain.example.co.uk'],
    ['a.b.c.d.e.example.com', 'https://a.b.c.d.e.example.com'],
    ['my-site.example.com', 'https://my-site.example.com'],
    ['123.example.com', 'https://123.example.com'],
    ['example.museum', 'https://example.museum'],
    ['example.photography', 'https://example.photography'],
    ['x.co', 'https://x.co'],
    ['my_site.example.com', 'https://my_site.example.com'],
    [`${'a'.repeat(63)}.com`, `https://${'a'.repeat(63)}.com`],
    // IP addresses.
    ['http://192.168.0.1', 'http://192.168.0.1'],
    ['192.168.0.1:8080/admin', 'https://192.168.0.1:8080/admin'],
    ['http://8.8.8.8/', 'http://8.8.8.8/'],
    ['http://[::1]/', 'http://[::1]/'],
    ['http://[2001:DB8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
    ['https://[2001:0db8:0000:0000:0000:0000:0000:0001]', 'https://[2001:db8::1]'],
    // Internationalized hosts: Unicode, lower case, NFC.
    ['https://bücher.de', 'https://bücher.de'],
    ['https://BÜCHER.de/Buch', 'https://bücher.de/Buch'],
    ['https://xn--bcher-kva.de', 'https://bücher.de'],
    ['https://bu\u0308cher.de', 'https://bücher.de'],
    ['пример.рф', 'https://пример.рф'],
    ['ПРИМЕР.РФ/путь', 'https://пример.рф/%D0%BF%D1%83%D1%82%D1%8C'],
    ['https://xn--e1afmkfd.xn--p1ai/', 'https://пример.рф/'],
    ['例え.jp', 'https://例え.jp'],
    ['例え。jp', 'https://例え.jp'], // ideographic full stop
    ['ＥＸＡＭＰＬＥ.com', 'https://example.com'], // full-width letters (IDNA maps them)
    // Cleaning around the value.
    ['  https://example.com  ', 'https://example.com'],
    ['\u00a0example.com\u200b', 'https://example.com'],
    ['<https://example.com/a>', 'https://example.com/a'],
    ['< example.com >', 'https://example.com'],
  ];
  it.each(cases)('%j -> %j', (raw, expected) => {
    expect(url(raw)).toEqual({ ok: true, value: expected });
  });

  it('is idempotent', () => {
    for (const [, expected] of cases)
      expect(normalizeUrl(expected)).toEqual({ ok: true, value: expected });
  });
});

describe('url: invalid', () => {
  const cases: [raw: string, reason: string][] = [
    // Schemes other than http, https and ftp.
    ['javascript:alert(1)', "the scheme 'javascript:' is not accepted"],
    ['JavaScript:void(0)', "the scheme 'javascript:' is not accepted"],
    [' javascript:alert(document.cookie)', "the scheme 'javascript:' is not accepted"],
    ['java\u200bscript:alert(1)', "the scheme 'javascript:' is not accepted"],
    ['javascript://example.com/%0Aalert(1)', "the scheme 'javascript:' is not accepted"],
    ['data:text/html,<script>alert(1)</script>', "the scheme 'data:' is not accepted"],
    ['data:image/png;base64,iVBORw0KGgo=', "the scheme 'data:' is not accepted"],
    ['vbscript:msgbox(1)', "the scheme 'vbscript:' is not accepted"],
    ['mailto:john@example.com', "the scheme 'mailto:' is not accepted"],
    ['tel:+14155552671', "the scheme 'tel:' is not accepted"],
    ['file:///etc/passwd', "the scheme 'file:' is not accepted"],
    ['gopher://example.com', "the scheme 'gopher:' is not accepted"],
    ['ws://example.com', "the scheme 'ws:' is not accepted"],
    ['ssh://example.com', "the scheme 'ssh:' is not accepted"],
    ['chrome://settings', "the scheme 'chrome:' is not accepted"],
    ['about:blank', "the scheme 'about:' is not accepted"],
    ['blob:https://example.com/uuid', "the scheme 'blob:' is not accepted"],
    ['urn:isbn:0451450523', "the scheme 'urn:' is not accepted"],
    // Credentials, e-mail addresses.
    ['john@example.com', 'looks like an e-mail address'],
    ['John.Doe@Example.com', 'looks like an e-mail address'],
    ['https://user:pass@example.com', 'user name or password'],
    ['https://user@example.com', 'user name or password'],
    ['https://@example.com', 'user name or password'],
    ['http://google.com@evil.example', 'user name or password'],
    // Hosts without a dot or a valid top-level domain.
    ['localhost', "the host 'localhost' has no dot"],
    ['http://localhost:3000', "the host 'localhost' has no dot"],
    ['localhost:8080', "the host 'localhost' has no dot"],
    ['example', "the host 'example' has no dot"],
    ['intranet/page', "the host 'intranet' has no dot"],
    ['https://example.c', "top-level domain 'c'"],
    ['example.c0m', "top-level domain 'c0m'"],
    ['example.123', 'is not valid'],
    ['1.2.3', 'is not a domain name or a dotted IPv4 address'],
    ['12345', 'is not a domain name or a dotted IPv4 address'],
    ['http://2130706433', 'is not a domain name or a dotted IPv4 address'],
    ['http://0x7f.0.0.1', 'is not a domain name or a dotted IPv4 address'],
    ['http://127.1', 'is not a domain name or a dotted IPv4 address'],
    ['http://010.0.0.1', 'is not a domain name or a dotted IPv4 address'], // octal
    ['http://256.1.1.1', 'is not valid'],
    ['3.14', 'is not a domain name or a dotted IPv4 address'],
    ['-example.com', "'-example' is not a valid name"],
    ['example-.com', "'example-' is not a valid name"],
    ['exa mple.com', 'is not valid'],
    ['example..com', 'empty part'],
    ['.example.com', 'empty part'],
    [`${'a'.repeat(64)}.com`, 'longer than 63'],
    [`${'abcdefghi.'.repeat(26)}com`, 'longer than 253'],
    ['https://xn--zz.com', "'xn--zz' is not a valid internationalized name"],
    ['https://👍.la', 'is not a valid internationalized name'],
    ['https://exa%mple.com', 'is not valid'],
    ['https://example.com:99999', "the host or port 'example.com:99999' is not valid"],
    ['https://example.com:abc', 'is not valid'],
    ['https://[::1', 'is not valid'],
    // Not a URL at all.
    ['https://', 'no host'],
    ['http:///', 'no host'],
    ['//', 'no host'],
    ['<>', 'no address'],
    ['n/a', "the host 'n' has no dot"],
    ['-', "the host '-' has no dot"],
    ['see example.com', 'is not valid'],
    ['example.com and more', 'is not valid'],
    ['Acme Corp', 'is not valid'],
  ];
  it.each(cases)('%j -> invalid_url (%s)', (raw, reason) => {
    const result = url(raw);
    expect(result).toMatchObject({ ok: false, code: ERROR_CODES.invalidUrl });
    expect(result.ok ? '' : result.message).toMatch(/^Not a valid web address: /);
    expect(result.ok ? '' : result.message).toContain(reason);
  });
});

describe('url: hostile input', () => {
  // Their speed is measured by `pnpm bench hostile-input`; this checks the answers.
  it('answers 100k-character values', () => {
    const n = 100_000;
    const inputs = [
      'a'.repeat(n),
      `${'a.'.repeat(n / 2)}com`,
      `https://example.com/${'a/'.repeat(n / 2)}`,
      `https://example.com/${'../'.repeat(n / 3)}`,
      `https://example.com/?${'a=1&'.repeat(n / 4)}`,
      `example.com${'?'.repeat(n)}`,
      '/'.repeat(n),
      ':'.repeat(n),
      'http:'.repeat(n / 5),
      '<'.repeat(n),
      '@'.repeat(n),
      `${'ü'.repeat(n)}.de`,
      `https://${'[:'.repeat(n / 2)}`,
      `javascript:${'a'.repeat(n)}`,
      `${' '.repeat(n)}example.com${' '.repeat(n)}`,
    ];
    for (const raw of inputs) {
      const result = url(raw);
      if (!result.ok) expect(result.message.length).toBeLessThan(200);
      urlType.looksLike?.(raw);
    }
    expect(url(`${' '.repeat(n)}example.com${' '.repeat(n)}`)).toEqual({
      ok: true,
      value: 'https://example.com',
    });
    const long = `https://example.com/${'a'.repeat(n)}`;
    expect(url(long)).toEqual({ ok: true, value: long });
  });
});

describe('url: header synonyms and looksLike', () => {
  it('header synonyms are header keys', () => {
    for (const synonym of urlType.headerSynonyms) expect(synonym).toMatch(/^[a-z0-9]*[a-z]$/);
    expect(new Set(urlType.headerSynonyms).size).toBe(urlType.headerSynonyms.length);
  });

  it.each(['url', 'website', 'web', 'homepage', 'site', 'link'])('claims %s', (key) => {
    expect(urlType.headerSynonyms).toContain(key);
  });

  it.each([
    ['https://example.com', true],
    ['http://example.com/a', true],
    ['www.example.com', true],
    ['example.com', true],
    ['Example.com/a', true],
    ['acme.io', true],
    ['example.photography/gallery', true],
    ['example.photography', false], // a bare name with an uncommon top-level domain
    ['J.Smith', false],
    ['St.Louis', false],
    ['1.5', false],
    ['john@example.com', false],
    ['javascript:alert(1)', false],
    ['https://localhost', false],
    ['Acme Corp', false],
    ['see example.com', false],
  ] as const)('%j -> %s', (raw, expected) => {
    expect(urlType.looksLike?.(raw)).toBe(expected);
  });
});
