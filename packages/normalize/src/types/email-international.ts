/**
 * Internationalized e-mail addresses (EAI): UTF-8 local parts (RFC 6531)
 * and internationalized domain names, for email.ts. Only values that are
 * not plain ASCII come here: the ASCII fast path never does.
 *
 * Output form: the domain is canonicalized through IDNA (UTS #46, Node's
 * domainToASCII: case, width and compatibility mapping, NFC) and written
 * back as Unicode U-labels (domainToUnicode), so `xn--mnchen-3ya.de`,
 * `MÜNCHEN.DE` and `mu\u0308nchen.de` are all `münchen.de`. Unicode, not
 * punycode, because:
 * - one address has one spelling, whichever way it was typed: a dataset
 *   key matches across imports, and `münchen.de` stays what earlier
 *   imports stored for it;
 * - an address with a UTF-8 local part can only travel by SMTPUTF8, whose
 *   native form is Unicode: an `ü@xn--…` mix is no form anyone writes;
 * - people read result.csv; a system that needs ASCII gets the A-labels
 *   from any IDNA library (domainToASCII) without loss.
 */
import { domainToUnicode } from 'node:url';

/** RFC 5322 atext plus '.', lower case, or any letter, mark or digit beyond ASCII (RFC 6531). */
const UNICODE_LOCAL_CHAR = /^[a-z0-9!#$%&'*+/=?^_`{|}~.\-\p{L}\p{M}\p{N}]$/u;
const UNICODE_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.\-\p{L}\p{M}\p{N}]+$/u;
const STARTS_WITH_MARK = /^\p{M}/u;

/** Octets of `s` in UTF-8 (the unit of RFC 5321's limits, also for RFC 6531). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Why a local part that is not all ASCII atext cannot be an internationalized
 * one (the first character it refuses), or undefined when it can.
 */
export function unicodeLocalProblem(local: string): string | undefined {
  if (UNICODE_LOCAL.test(local)) {
    return STARTS_WITH_MARK.test(local)
      ? "the part before '@' starts with a combining mark"
      : undefined;
  }
  for (const ch of local) {
    if (!UNICODE_LOCAL_CHAR.test(ch))
      return `${ch === ' ' ? 'a space' : `'${ch}'`} is not allowed before '@'`;
  }
  return undefined;
}

/** The canonical Unicode form of a domain from its IDNA ASCII form (see above). */
export function canonicalDomain(ascii: string): string {
  return ascii.includes('xn--') ? domainToUnicode(ascii) : ascii;
}

/** True for an A-label anywhere in a domain's ASCII form: an internationalized domain. */
export function isInternationalDomain(ascii: string): boolean {
  return ascii.startsWith('xn--') || ascii.includes('.xn--');
}
