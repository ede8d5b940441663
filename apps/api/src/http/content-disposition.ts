/**
 * Characters that may not be sent raw in RFC 8187's ext-value (attr-char is
 * ALPHA / DIGIT / "!#$&+-.^_`|~"); encodeURIComponent leaves these four more.
 */
const NOT_ATTR_CHAR = /['()*]/g;

/** Printable ASCII except the two characters a quoted-string would need to escape. */
const NOT_PLAIN_ASCII = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/gu;

/**
 * An RFC 6266 `Content-Disposition: attachment` header for `fileName`: the
 * name exactly, UTF-8 percent-encoded in `filename*` (every current browser
 * and curl -J use it), after a plain ASCII `filename` for older clients
 * (accents dropped, anything else replaced by `_`). A raw non-ASCII name in
 * `filename` would be read as Latin-1 and come back garbled.
 */
export function attachmentDisposition(name: string): string {
  // A lone surrogate cannot be percent-encoded as UTF-8 (URIError).
  const fileName = name.toWellFormed();
  const fallback = fileName.normalize('NFKD').replace(/\p{M}/gu, '').replace(NOT_PLAIN_ASCII, '_');
  const encoded = encodeURIComponent(fileName).replace(
    NOT_ATTR_CHAR,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
