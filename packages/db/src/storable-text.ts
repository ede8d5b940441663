/**
 * PostgreSQL's text (and jsonb) cannot hold U+0000: the server refuses the
 * whole statement ("invalid byte sequence for encoding UTF8: 0x00"), which
 * for a chunk commit would fail the chunk and, after its attempts, the job.
 * Text that describes input (row errors: the raw value, the header name, a
 * message quoting either; failure reasons) is written through this, so one
 * NUL byte in a bad row costs that row its error record's fidelity at most,
 * never the job. U+2400 (SYMBOL FOR NULL) shows where the byte was.
 *
 * Lone UTF-16 surrogates need nothing here: they are encoded as U+FFFD on
 * the way to the server, which stores that.
 */
export function storableText(text: string): string;
export function storableText(text: string | null): string | null;
export function storableText(text: string | null): string | null {
  if (text === null || !text.includes('\0')) return text;
  return text.replaceAll('\0', '\u2400');
}
