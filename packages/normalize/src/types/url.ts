/**
 * Web addresses, parsed with the WHATWG URL class (the browsers' parser).
 *
 * `"Example.com/a"` -> `https://example.com/a`:
 * - a missing scheme becomes `https://` (also for `//example.com`); a given
 *   `http://` is kept; only http, https and ftp are accepted, so
 *   `javascript:`, `data:`, `mailto:`, `file:` and the like are invalid_url;
 * - the scheme and host are lower-cased, a default port (`:443` for https,
 *   `:80`, `:21`) removed, a final dot of the host dropped;
 * - internationalized hosts are written in Unicode, readable and the form
 *   people typed (`https://BÜCHER.de` and `https://xn--bcher-kva.de` both give
 *   `https://bücher.de`), as email.ts does for e-mail domains;
 * - the path, query and fragment are kept as written (case, order,
 *   percent-escapes), except that WHATWG serialization percent-encodes what a
 *   URL cannot hold (spaces, non-ASCII: `/café` -> `/caf%C3%A9`) and resolves
 *   `.`/`..` segments and backslashes; no `/` is added when none was written
 *   (`example.com` -> `https://example.com`, `example.com/` keeps its slash);
 * - the host must be a domain name with a dot and a top-level domain of two
 *   or more letters (or an IDN A-label), an IPv4 address written as four
 *   decimal numbers, or a bracketed IPv6 address; `localhost`, `12345` (which
 *   WHATWG would read as the IPv4 address 0.0.48.57) and `example.123` are not;
 * - a user name or password (`https://user:pw@host`) is refused: credentials
 *   do not belong in clean data, and without a scheme `john@example.com` is an
 *   e-mail address, not a URL.
 */
import { domainToUnicode } from 'node:url';
import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';

const ACCEPTED_SCHEMES = new Set(['http', 'https', 'ftp']);
/** A scheme and its colon at the start (RFC 3986 scheme characters). */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const STARTS_WITH_DIGIT = /^\d/;
/** Characters that end the authority (host and port) in a special-scheme URL. */
const AUTHORITY_END = /[/?#\\]/;
const LEADING_SLASHES = /^[/\\]*/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;
const DOTTED_QUAD =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** A host label in ASCII (after IDNA): letters, digits, hyphens; underscores occur in real subdomains. */
const ASCII_LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/;
/** What an A-label must decode to: letters (any script, with combining marks), digits, hyphens. */
const UNICODE_LABEL = /^[\p{L}\p{M}\p{Nd}-]+$/u;
const MAX_LABEL = 63;
const MAX_HOST = 253;

function invalid(reason: string): CellResult {
  return { ok: false, code: ERROR_CODES.invalidUrl, message: `Not a valid web address: ${reason}` };
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

/** Checks a domain name host (ASCII form, lower case, no final dot); answers the problem if any. */
function checkDomain(host: string): string | undefined {
  if (host.length > MAX_HOST) return `the host is longer than ${MAX_HOST} characters`;
  const labels = host.split('.');
  if (labels.length < 2) return `the host ${quote(host)} has no dot`;
  for (const label of labels) {
    if (label === '')
      return 'the host has an empty part (two dots in a row, or a dot at its start)';
    if (label.length > MAX_LABEL)
      return `a part of the host is longer than ${MAX_LABEL} characters`;
    if (!ASCII_LABEL.test(label)) return `the host part ${quote(label)} is not a valid name`;
    if (label.startsWith('xn--')) {
      const decoded = domainToUnicode(label);
      if (decoded === '' || decoded.startsWith('xn--') || !UNICODE_LABEL.test(decoded)) {
        return `the host part ${quote(label)} is not a valid internationalized name`;
      }
    }
  }
  const tld = labels[labels.length - 1] ?? '';
  if (!TLD.test(tld))
    return `the top-level domain ${quote(tld)} is not made of two or more letters`;
  return undefined;
}

/**
 * `"Example.com/a"` -> `https://example.com/a`. See the module comment for
 * what is checked and changed.
 */
export function normalizeUrl(raw: string): CellResult {
  let s = cleanText(raw);
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (s === '') return invalid('no address');
  // A scheme, unless what looks like one is a host and port (`example.com:8080`, `localhost:80`).
  const scheme = SCHEME.exec(s);
  let input: string;
  let afterScheme: string;
  if (
    scheme !== null &&
    (s.startsWith('//', scheme[0].length) ||
      (!(scheme[1] ?? '').includes('.') && !STARTS_WITH_DIGIT.test(s.slice(scheme[0].length))))
  ) {
    const name = (scheme[1] ?? '').toLowerCase();
    if (!ACCEPTED_SCHEMES.has(name)) {
      return invalid(`the scheme ${quote(`${name}:`)} is not accepted (http, https or ftp only)`);
    }
    input = s;
    afterScheme = s.slice(scheme[0].length);
  } else {
    afterScheme = s;
    input = s.startsWith('//') ? `https:${s}` : `https://${s}`;
  }
  // The authority as written: what the parser reads as user, host and port.
  const authorityStart = afterScheme.slice(LEADING_SLASHES.exec(afterScheme)?.[0].length ?? 0);
  const end = authorityStart.search(AUTHORITY_END);
  const authority = end === -1 ? authorityStart : authorityStart.slice(0, end);
  const pathWritten = end !== -1 && (authorityStart[end] === '/' || authorityStart[end] === '\\');
  if (authority.includes('@')) {
    return invalid(
      scheme === null ? 'it looks like an e-mail address' : 'it holds a user name or password',
    );
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return invalid(
      authority === '' ? 'no host' : `the host or port ${quote(authority)} is not valid`,
    );
  }
  const hostname = url.hostname;
  let host: string;
  if (hostname.startsWith('[')) {
    host = hostname; // IPv6, already normalized by the parser
  } else if (IPV4.test(hostname)) {
    // The parser also reads `12345`, `0x7f.1` and `127.1` as IPv4 addresses.
    const written = authority.replace(/:\d*$/, '').replace(/\.$/, '');
    if (!DOTTED_QUAD.test(written)) {
      return invalid(`the host ${quote(written)} is not a domain name or a dotted IPv4 address`);
    }
    host = hostname;
  } else {
    const ascii = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
    const problem = checkDomain(ascii);
    if (problem !== undefined) return invalid(problem);
    host = domainToUnicode(ascii);
  }
  let rest = url.href.slice(`${url.protocol}//${url.host}`.length);
  if (!pathWritten && rest.startsWith('/')) rest = rest.slice(1);
  return {
    ok: true,
    value: `${url.protocol}//${host}${url.port === '' ? '' : `:${url.port}`}${rest}`,
  };
}

/** Top-level domains common enough that a bare `name.tld` in a cell is taken for a web address. */
const COMMON_TLD =
  /\.(?:com|org|net|edu|gov|io|co|ai|app|dev|info|biz|me|us|uk|de|fr|nl|es|it|ca|au|jp|cn|in|br|ru|ch|se|no|dk|fi|pl|be|at|ie|nz|kr|eu|tv|xyz)$/i;
const WEB_PREFIX = /^(?:(?:https?|ftp):\/\/|www\.)/i;

export const urlType: ColumnTypeDefinition<'url'> = {
  type: 'url',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
  normalize: normalizeUrl,
  headerSynonyms: [
    'url',
    'urls',
    'uri',
    'link',
    'links',
    'href',
    'website',
    'websites',
    'websiteurl',
    'web',
    'webaddress',
    'weburl',
    'webpage',
    'webpageurl',
    'webseite',
    'homepage',
    'homepageurl',
    'site',
    'siteurl',
    'siteweb',
    'sitioweb',
    'paginaweb',
    'profileurl',
    'linkedinurl',
    'imageurl',
    'photourl',
    'logourl',
  ],
  looksLike(raw) {
    const s = cleanText(raw);
    if (WEB_PREFIX.test(s)) return normalizeUrl(s).ok;
    if (s.includes(' ') || s.includes('@')) return false;
    const host = s.split(AUTHORITY_END, 1)[0] ?? '';
    return (s.length > host.length || COMMON_TLD.test(host)) && normalizeUrl(s).ok;
  },
};
