/**
 * Currency symbols and the words written for currencies, to their ISO 4217
 * codes: the currency markers number-affixes.ts accepts around an amount.
 */

/**
 * Currency symbols, exactly as written, to their ISO 4217 code; null for
 * symbols several currencies use (`$`, `¥`, `kr`): those are accepted but
 * report no code.
 */
export const SYMBOLS: ReadonlyMap<string, string | null> = new Map([
  ['$', null],
  ['US$', 'USD'],
  ['U$S', 'USD'],
  ['CA$', 'CAD'],
  ['C$', 'CAD'],
  ['A$', 'AUD'],
  ['AU$', 'AUD'],
  ['NZ$', 'NZD'],
  ['HK$', 'HKD'],
  ['S$', 'SGD'],
  ['MX$', 'MXN'],
  ['NT$', 'TWD'],
  ['R$', 'BRL'],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['¥', null],
  ['\uFFE5', null], // full-width yen sign
  ['円', 'JPY'],
  ['元', 'CNY'],
  ['₩', 'KRW'],
  ['\uFFE6', 'KRW'], // full-width won sign
  ['원', 'KRW'],
  ['₹', 'INR'],
  ['₨', null],
  ['₽', 'RUB'],
  ['₺', 'TRY'],
  ['₪', 'ILS'],
  ['₫', 'VND'],
  ['₱', 'PHP'],
  ['₴', 'UAH'],
  ['₦', 'NGN'],
  ['฿', 'THB'],
  ['₡', 'CRC'],
  ['₲', 'PYG'],
  ['₵', 'GHS'],
  ['₸', 'KZT'],
  ['₼', 'AZN'],
  ['₾', 'GEL'],
  ['₭', 'LAK'],
  ['₮', 'MNT'],
  ['R', 'ZAR'],
]);

/** Alphabetic symbols, matched case-insensitively (lower case keys, with or without a final dot). */
export const WORD_SYMBOLS: ReadonlyMap<string, string | null> = new Map([
  ['kr', null], // SEK, NOK, DKK, ISK
  ['kr.', null],
  ['zł', 'PLN'],
  ['kč', 'CZK'],
  ['ft', 'HUF'],
  ['lei', 'RON'],
  ['fr.', 'CHF'],
  ['sfr.', 'CHF'],
  ['rs', null], // INR, PKR, LKR, NPR
  ['rs.', null],
  ['rp', 'IDR'],
  ['rm', 'MYR'],
  ['rmb', 'CNY'],
  ['tl', 'TRY'],
  ['руб', 'RUB'],
  ['руб.', 'RUB'],
  ['р.', 'RUB'],
  ['лв', 'BGN'],
  ['лв.', 'BGN'],
]);
