import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './content-disposition.ts';

/** What an RFC 6266 client reads back from filename* (UTF-8 percent-decoding). */
const fromExtValue = (header: string) =>
  decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/.exec(header)![1]!);

describe('attachmentDisposition', () => {
  it('sends an ASCII name as it is in both parameters', () => {
    expect(attachmentDisposition('contacts.normalized.csv')).toBe(
      `attachment; filename="contacts.normalized.csv"; filename*=UTF-8''contacts.normalized.csv`,
    );
  });

  it('sends a UTF-8 name exactly in filename*, with an ASCII fallback in filename', () => {
    for (const [name, fallback] of [
      ['Müller café.normalized.csv', 'Muller cafe.normalized.csv'],
      ['Zoë (2024)*.csv', 'Zoe (2024)*.csv'],
      ['顧客リスト.errors.csv', '_____.errors.csv'],
      ['😀 it\'s "quoted" \\ 100%.csv', "_ it's _quoted_ _ 100%.csv"],
    ] as const) {
      const header = attachmentDisposition(name);
      expect(header).toBe(
        `attachment; filename="${fallback}"; filename*=UTF-8''${header.split("UTF-8''")[1]}`,
      );
      expect(fromExtValue(header)).toBe(name);
      // Only RFC 8187 attr-chars and percent escapes in the ext-value.
      expect(header.split("UTF-8''")[1]).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
      // Every byte of the header is printable ASCII (a header is not UTF-8).
      expect(header).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
