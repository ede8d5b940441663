import { domainToASCII, domainToUnicode } from 'node:url';
import { cleanAscii, cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import {
  canonicalDomain,
  isInternationalDomain,
  unicodeLocalProblem,
  utf8Length,
} from './email-international.ts';

// RFC 5321 limits (in octets of the ASCII form: IDN labels are measured as
// their punycode A-labels, the form that goes over the wire).
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const MAX_LABEL = 63;

// Every pattern is a single anchored character class or a two-branch
// alternation of them: linear time whatever the input length.
/** RFC 5322 atext plus '.', after lower-casing; quoted local parts are not accepted. */
const LOCAL_ALLOWED = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
/** Letters (any script, with their combining marks), decimal digits, hyphen. */
const LABEL_ALLOWED = /^[\p{L}\p{M}\p{Nd}-]+$/u;
/** Top-level domain: two or more letters, or the A-label of an IDN TLD (xn--p1ai). */
const TLD = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/u;
const PRINTABLE_ASCII = /^[ -~]*$/;
const MAILTO = /^mailto:/i;
/** Dots IDNA treats as label separators (ideographic, full-width, half-width ideographic). */
const IDEOGRAPHIC_DOTS = /[\u3002\uFF0E\uFF61]/g;

function invalid(reason: string): CellResult {
  return {
    ok: false,
    code: ERROR_CODES.invalidEmail,
    message: `Not a valid e-mail address: ${reason}`,
  };
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

function describeChar(ch: string): string {
  return ch === ' ' ? 'a space' : `'${ch}'`;
}

/** The first character of `s` that does not match `allowed` (a one-character class). */
function firstDisallowed(s: string, allowed: RegExp): string {
  for (const ch of s) if (!allowed.test(ch)) return ch;
  return '';
}

const LOCAL_CHAR = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]$/;
const LABEL_CHAR = /^[\p{L}\p{M}\p{Nd}-]$/u;

/** Reduces `Name <addr>`, `<addr>` and `mailto:addr?subject=...` to the address. */
function extractAddress(cleaned: string): string {
  let s = cleaned;
  if (s.endsWith('>')) {
    const open = s.lastIndexOf('<');
    if (open !== -1) s = s.slice(open + 1, -1).trim();
  }
  if (MAILTO.test(s)) {
    s = s.slice('mailto:'.length);
    // RFC 6068: headers (subject, cc, body) follow a '?'.
    const query = s.indexOf('?');
    if (query !== -1) s = s.slice(0, query);
    s = s.trim();
  }
  return s;
}

/** What is wrong with a local part; `unicode`: it holds more than ASCII atext (RFC 6531). */
function checkLocal(local: string, unicode: boolean): string | undefined {
  if (local === '') return "nothing before '@'";
  // UTF-16 units never outnumber UTF-8 bytes: too long either way.
  if (local.length > MAX_LOCAL) return `the part before '@' is longer than ${MAX_LOCAL} characters`;
  if (unicode) {
    const problem = unicodeLocalProblem(local);
    if (problem !== undefined) return problem;
    if (utf8Length(local) > MAX_LOCAL) {
      return `the part before '@' is longer than ${MAX_LOCAL} bytes in UTF-8`;
    }
  }
  if (local.startsWith('.') || local.endsWith('.')) {
    return "the part before '@' starts or ends with a dot";
  }
  if (local.includes('..')) return "the part before '@' has two dots in a row";
  return undefined;
}

/** Validates the (lower-cased, NFC) domain; answers its ASCII form or the reason it is invalid. */
function checkDomain(domain: string): { ascii: string } | { reason: string } {
  if (domain === '') return { reason: "nothing after '@'" };
  const labels = domain.split('.');
  if (labels.length < 2) return { reason: `the domain ${quote(domain)} has no dot` };
  for (const label of labels) {
    if (label === '')
      return {
        reason: 'the domain has an empty part (two dots in a row, or a dot at its start or end)',
      };
    if (label.length > MAX_LABEL) {
      return { reason: `a domain part is longer than ${MAX_LABEL} characters` };
    }
    if (!LABEL_ALLOWED.test(label)) {
      return {
        reason: `${describeChar(firstDisallowed(label, LABEL_CHAR))} is not allowed in the domain`,
      };
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return { reason: `the domain part ${quote(label)} starts or ends with '-'` };
    }
  }
  const tld = labels[labels.length - 1] ?? '';
  if (!TLD.test(tld)) {
    return { reason: `the top-level domain ${quote(tld)} is not made of two or more letters` };
  }
  if (PRINTABLE_ASCII.test(domain) && !domain.includes('xn--')) return { ascii: domain };
  // Internationalized domain. An A-label (xn--...) must decode to a label
  // that passes the same rules (Node's domainToASCII lets undecodable ones
  // through unchanged); then IDNA (UTS #46) decides whether the whole domain
  // is well formed, and its A-labels are what the length limits apply to.
  for (const label of labels) {
    if (!label.startsWith('xn--')) continue;
    const decoded = domainToUnicode(label);
    if (decoded === '' || decoded.startsWith('xn--') || !LABEL_ALLOWED.test(decoded)) {
      return { reason: `the domain part ${quote(label)} is not a valid internationalized name` };
    }
  }
  const ascii = domainToASCII(domain);
  if (ascii === '') return { reason: 'the domain is not a valid internationalized domain name' };
  if (ascii.split('.').some((label) => label.length > MAX_LABEL)) {
    return { reason: `a domain part is longer than ${MAX_LABEL} characters once encoded` };
  }
  return { ascii };
}

/** LOCAL_CHAR as a table of ASCII codes (after lower-casing), for the fast path. */
const LOCAL_CODES = (() => {
  const table = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    if (LOCAL_CHAR.test(String.fromCharCode(code))) table[code] = 1;
  }
  return table;
})();

const DOT = 0x2e;
const HYPHEN = 0x2d;

/**
 * The common addresses, answered without extractAddress, Unicode
 * normalization and checkDomain's split and Unicode patterns, in one pass
 * over the value: printable ASCII (cleanAscii) with one `@`; before it
 * what checkLocal accepts (1 to 64 of LOCAL_CHAR's characters in either
 * case, no dot first, last or twice in a row: so no space, `<` or
 * `mailto:`); after it the ASCII domains checkDomain accepts with no IDNA
 * work (two or more labels of 1 to 63 letters, digits and inner hyphens,
 * the last of two or more letters, no `xn--`: A-labels take the general
 * path). For those normalizeEmail's steps are the identity but lower-casing
 * (NFC leaves ASCII alone, there are no ideographic dots, the domain's
 * ASCII form is itself), so the value is the lower-cased address.
 * Undefined for every other value (valid or not).
 */
function fastEmail(raw: string): string | undefined {
  const cleaned = cleanAscii(raw);
  if (cleaned === undefined || cleaned.length > MAX_ADDRESS) return undefined;
  const length = cleaned.length;
  let capitals = false;
  let i = 0;
  for (; i < length; i++) {
    let code = cleaned.charCodeAt(i);
    if (code === 0x40) break;
    if (code >= 0x41 && code <= 0x5a) {
      capitals = true;
      code += 0x20;
    }
    if (LOCAL_CODES[code] !== 1) return undefined;
    if (code === DOT && (i === 0 || cleaned.charCodeAt(i - 1) === DOT)) return undefined;
  }
  const at = i;
  if (at === 0 || at === length || at > MAX_LOCAL || cleaned.charCodeAt(at - 1) === DOT) {
    return undefined;
  }
  let labels = 0;
  let labelStart = at + 1;
  let lettersOnly = true;
  for (i = at + 1; i <= length; i++) {
    let code = i === length ? DOT : cleaned.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) {
      capitals = true;
      code += 0x20;
    }
    if (code === DOT) {
      const size = i - labelStart;
      if (size === 0 || size > MAX_LABEL) return undefined;
      if (cleaned.charCodeAt(labelStart) === HYPHEN || cleaned.charCodeAt(i - 1) === HYPHEN) {
        return undefined;
      }
      labels += 1;
      if (i === length) break;
      labelStart = i + 1;
      lettersOnly = true;
    } else if ((code >= 0x30 && code <= 0x39) || code === HYPHEN) {
      lettersOnly = false;
    } else if (code < 0x61 || code > 0x7a) {
      // A second `@` included.
      return undefined;
    }
  }
  // The top-level domain (the last label): letters only, two or more.
  if (labels < 2 || !lettersOnly || length - labelStart < 2) return undefined;
  const address = capitals ? cleaned.toLowerCase() : cleaned;
  return address.includes('xn--', at + 1) ? undefined : address;
}

/**
 * `" John.Doe@Example.COM "` -> `john.doe@example.com`. Trimmed, display name
 * and angle brackets and `mailto:` removed, lower-cased (the local part too:
 * mail systems treat it case-insensitively in practice), checked with
 * practical RFC 5321 rules. Internationalized addresses (RFC 6531: a UTF-8
 * local part, `jörg@example.de`, or an internationalized domain in either
 * form) are accepted, the domain in its canonical Unicode form
 * (email-international.ts says why Unicode), unless the job refuses them
 * (`internationalEmail: 'refuse'`: international_email). No
 * provider-specific canonicalization (gmail dots, +tags).
 */
function normalizeEmail(raw: string, options: NormalizeOptions): CellResult {
  const fast = FAST_PATHS.enabled ? fastEmail(raw) : undefined;
  if (fast !== undefined) return { ok: true, value: fast };
  const address = extractAddress(cleanText(raw)).toLowerCase().normalize('NFC');
  if (address === '') return invalid('no address');
  const at = address.indexOf('@');
  if (at === -1) return invalid("missing '@'");
  if (address.indexOf('@', at + 1) !== -1) return invalid("more than one '@'");
  const local = address.slice(0, at);
  const unicodeLocal = !LOCAL_ALLOWED.test(local);
  const localProblem = checkLocal(local, unicodeLocal);
  if (localProblem !== undefined) return invalid(localProblem);
  const domain = address.slice(at + 1).replace(IDEOGRAPHIC_DOTS, '.');
  const checked = checkDomain(domain);
  if ('reason' in checked) return invalid(checked.reason);
  const localBytes = unicodeLocal ? utf8Length(local) : local.length;
  if (localBytes + 1 + checked.ascii.length > MAX_ADDRESS) {
    return invalid(`longer than ${MAX_ADDRESS} characters`);
  }
  const idn = isInternationalDomain(checked.ascii);
  if ((unicodeLocal || idn) && options.internationalEmail === 'refuse') {
    const what = unicodeLocal
      ? "the part before '@' is not ASCII"
      : `${quote(canonicalDomain(checked.ascii))} is an internationalized domain name`;
    return {
      ok: false,
      code: ERROR_CODES.internationalEmail,
      message: `Internationalized e-mail address refused (internationalEmail=refuse): ${what}`,
    };
  }
  return { ok: true, value: `${local}@${canonicalDomain(checked.ascii)}` };
}

/** One @ with something dotted after it (a shape, not validation). */
const EMAIL_SHAPE = /^\s*(?:mailto:)?[^\s@]+@[^\s@]+\.[^\s@]+\s*$/i;

export const emailType: ColumnTypeDefinition<'email'> = {
  type: 'email',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
  normalize: normalizeEmail,
  looksLike: (raw) => EMAIL_SHAPE.test(raw),
  headerSynonyms: [
    'email',
    'emails',
    'mail',
    'emailaddress',
    'emailaddresses',
    'emailaddr',
    'emailid',
    'mailaddress',
    'electronicmail',
    'electronicmailaddress',
    // A few other languages seen in exports.
    'courriel',
    'adressemail',
    'adresseemail',
    'correo',
    'correoelectronico',
    'emailadresse',
    'mailadresse',
    'epost',
    'epostadresse',
  ],
};
