/**
 * Numbers, integers, money and percentages, all read by one parser
 * (parseDecimal, number-parse.ts, which also has the rules for reading
 * them) that works on digit strings, never on floating point: the
 * output keeps every digit of `123456789012345678901234567890.123` and
 * `0.1` never turns into `0.10000000000000001`.
 *
 * Outputs (plain decimal, ASCII digits, '.' as decimal separator, '-' for
 * negatives, never an exponent, never `-0`):
 * - number: minimal form, `1.50` -> `1.5`, `007` -> `7`, `1.5e3` -> `1500`;
 * - integer: digits only, `1,500` -> `1500`, `3.00` -> `3`; a fractional part
 *   other than zeros is `invalid_integer` (never rounded);
 * - currency: at least two fraction digits (`300` -> `300.00`, `1.5` ->
 *   `1.50`, also for currencies without minor units: `₩1,000` -> `1000.00`);
 *   more precision than that is kept when it was written, never rounded
 *   (`0.125` -> `0.125`, `1.2500` -> `1.25`). The currency that was detected
 *   is not part of the cell value (a column mixing `$` and `€` keeps only the
 *   amounts); parseDecimal reports it for a future companion column.
 * - percent: the fraction, as databases and spreadsheets store it: `50%` ->
 *   `0.5`, `12.5%` -> `0.125`, `100%` -> `1`. A value written without `%` in a
 *   percent column is read in percent too: `12.5` -> `0.125` (so `0.5` is half
 *   a percent, `0.005`): a column is not typed percent for holding fractions.
 * A percent sign is an error in number, integer and currency columns; a
 * currency in a percent column too. Currency symbols are accepted (and
 * dropped) in number and integer columns.
 *
 * The outputs are machine decimals ('.' decimal, no grouping): read them back
 * with locale `en`. Without a locale the three-digit rule (number-parse.ts)
 * would read a number output `1.234` as 1234.
 */

import type { CellResult, ColumnTypeDefinition, NormalizeOptions } from '../column-type.ts';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { type ParseOptions, parseDecimal } from './number-parse.ts';
import type { ParsedDecimal } from './number-parsed.ts';

const NON_ZERO = /[1-9]/;
const LEADING_ZEROS = /^0+/;

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

/** `fraction` without trailing zeros beyond `min` digits, padded with zeros to `min`. */
function fractionWith(fraction: string, min: number): string {
  let end = fraction.length;
  while (end > min && fraction[end - 1] === '0') end -= 1;
  return fraction.slice(0, end).padEnd(min, '0');
}

/** Sign, integer digits and fraction as a plain decimal; zero is never negative. */
function formatDecimal(sign: 1 | -1, integerDigits: string, fraction: string): string {
  const negative = sign === -1 && (NON_ZERO.test(integerDigits) || NON_ZERO.test(fraction));
  return `${negative ? '-' : ''}${integerDigits}${fraction === '' ? '' : `.${fraction}`}`;
}

function failure(code: ErrorCode, what: string, reason: string): CellResult {
  return { ok: false, code, message: `Not a valid ${what}: ${reason}` };
}

function parseFor(
  raw: string,
  locale: string | undefined,
  code: ErrorCode,
  what: string,
  options?: ParseOptions,
): ParsedDecimal | CellResult {
  const parsed = parseDecimal(raw, locale, options);
  if ('reason' in parsed) {
    if (parsed.ambiguous !== true) return failure(code, what, parsed.reason);
    const message = `Ambiguous number: ${parsed.reason}: the column uses both '.' and ',' as decimal separator (set locale)`;
    return { ok: false, code: ERROR_CODES.ambiguousNumber, message };
  }
  return parsed;
}

const INVALID = {
  number: [ERROR_CODES.invalidNumber, 'number'],
  integer: [ERROR_CODES.invalidInteger, 'integer'],
  currency: [ERROR_CODES.invalidCurrency, 'amount of money'],
  percent: [ERROR_CODES.invalidPercent, 'percentage'],
} as const;

type NumericType = keyof typeof INVALID;

/** Parses for one of the four types and applies the checks they share. */
function parseAs(
  type: NumericType,
  raw: string,
  options: Pick<NormalizeOptions, 'locale' | 'separatorDoubt'>,
): ParsedDecimal | CellResult {
  const [code, what] = INVALID[type];
  const parsed = parseFor(raw, options.locale, code, what, {
    preferDecimal: type === 'percent',
    doubt: options.separatorDoubt,
  });
  if ('ok' in parsed) return parsed;
  if (parsed.percent && type !== 'percent') {
    return failure(code, what, 'it is a percentage (a percent column reads it)');
  }
  if (parsed.scientific && type !== 'number') {
    return failure(code, what, 'scientific notation is only read in number columns');
  }
  if (parsed.currencySymbol !== undefined && type === 'percent') {
    return failure(code, what, `it has a currency (${quote(parsed.currencySymbol)})`);
  }
  return parsed;
}

/** `"1,234.50"` -> `1234.5`; `"1.5e3"` -> `1500`. Minimal plain decimal. */
function normalizeNumber(raw: string, options: NormalizeOptions): CellResult {
  const p = parseAs('number', raw, options);
  if ('ok' in p) return p;
  return {
    ok: true,
    value: formatDecimal(p.sign, p.integerDigits, fractionWith(p.fractionDigits, 0)),
  };
}

/** `"1,500"` -> `1500`; `"3.00"` -> `3`; `"1.5"` is invalid_integer. */
function normalizeInteger(raw: string, options: NormalizeOptions): CellResult {
  const p = parseAs('integer', raw, options);
  if ('ok' in p) return p;
  if (NON_ZERO.test(p.fractionDigits)) {
    const [code, what] = INVALID.integer;
    return failure(code, what, `it has a fractional part (${quote(`.${p.fractionDigits}`)})`);
  }
  return { ok: true, value: formatDecimal(p.sign, p.integerDigits, '') };
}

/** `"$2,500"` -> `2500.00`; `"(15.25)"` -> `-15.25`; `"0.125"` -> `0.125`. */
function normalizeCurrency(raw: string, options: NormalizeOptions): CellResult {
  const p = parseAs('currency', raw, options);
  if ('ok' in p) return p;
  return {
    ok: true,
    value: formatDecimal(p.sign, p.integerDigits, fractionWith(p.fractionDigits, 2)),
  };
}

/** `"12.5%"` and `"12.5"` -> `0.125`; `"100%"` -> `1`. The value divided by 100, minimal form. */
function normalizePercent(raw: string, options: NormalizeOptions): CellResult {
  const p = parseAs('percent', raw, options);
  if ('ok' in p) return p;
  const padded = p.integerDigits.padStart(3, '0');
  const integerDigits = padded.slice(0, -2).replace(LEADING_ZEROS, '') || '0';
  const fraction = fractionWith(padded.slice(-2) + p.fractionDigits, 0);
  return { ok: true, value: formatDecimal(p.sign, integerDigits, fraction) };
}

/** Cheap shape checks for inference: the value parses, with the marks of its type. */
function shape(raw: string): ParsedDecimal | undefined {
  const parsed = parseDecimal(raw);
  return 'reason' in parsed ? undefined : parsed;
}

export const numberType: ColumnTypeDefinition<'number'> = {
  type: 'number',
  sqlType: 'numeric',
  contextFree: true,
  formulaSafe: true,
  normalize: normalizeNumber,
  headerSynonyms: [
    'number',
    'num',
    'numeric',
    'value',
    'score',
    'points',
    'rating',
    'weight',
    'height',
    'width',
    'length',
    'depth',
    'size',
    'distance',
    'area',
    'volume',
    'mass',
    'temperature',
    'latitude',
    'longitude',
    'lat',
    'lng',
    'lon',
    'measurement',
    'exchangerate',
    // Other languages.
    'zahl',
    'wert',
    'valeur',
    'valor',
    'gewicht',
    'poids',
    'peso',
  ],
  looksLike(raw) {
    const p = shape(raw);
    return p !== undefined && !p.percent && p.currencySymbol === undefined;
  },
};

export const integerType: ColumnTypeDefinition<'integer'> = {
  type: 'integer',
  sqlType: 'numeric',
  contextFree: true,
  formulaSafe: true,
  normalize: normalizeInteger,
  headerSynonyms: [
    'integer',
    'int',
    'age',
    'quantity',
    'qty',
    'count',
    'units',
    'items',
    'employees',
    'numberofemployees',
    'employeecount',
    'headcount',
    'staff',
    'population',
    'rank',
    'visits',
    'views',
    'clicks',
    'followers',
    'stock',
    'inventory',
    'children',
    'seats',
    // Other languages.
    'alter',
    'anzahl',
    'menge',
    'quantite',
    'cantidad',
    'edad',
    'quantita',
  ],
  looksLike(raw) {
    const p = shape(raw);
    return (
      p !== undefined &&
      !p.percent &&
      !p.scientific &&
      p.currencySymbol === undefined &&
      !NON_ZERO.test(p.fractionDigits)
    );
  },
};

export const currencyType: ColumnTypeDefinition<'currency'> = {
  type: 'currency',
  sqlType: 'numeric',
  contextFree: true,
  formulaSafe: true,
  normalize: normalizeCurrency,
  headerSynonyms: [
    'currency',
    'money',
    'balance',
    'amount',
    'price',
    'unitprice',
    'listprice',
    'saleprice',
    'total',
    'subtotal',
    'grandtotal',
    'totalamount',
    'totalprice',
    'amountdue',
    'amountpaid',
    'revenue',
    'sales',
    'turnover',
    'income',
    'profit',
    'earnings',
    'salary',
    'wage',
    'wages',
    'pay',
    'cost',
    'costs',
    'fee',
    'fees',
    'charge',
    'payment',
    'budget',
    'spend',
    'tax',
    'rent',
    'deposit',
    'donation',
    'credit',
    'debit',
    'msrp',
    'hourlyrate',
    'dailyrate',
    // Other languages.
    'betrag',
    'preis',
    'summe',
    'gehalt',
    'kosten',
    'montant',
    'prix',
    'salaire',
    'importe',
    'precio',
    'salario',
    'prezzo',
    'importo',
  ],
  looksLike(raw) {
    const p = shape(raw);
    return p !== undefined && !p.percent && !p.scientific && p.currencySymbol !== undefined;
  },
};

export const percentType: ColumnTypeDefinition<'percent'> = {
  type: 'percent',
  sqlType: 'numeric',
  contextFree: true,
  formulaSafe: true,
  normalize: normalizePercent,
  headerSynonyms: [
    'percent',
    'percentage',
    'pct',
    'perc',
    'rate',
    'ratepct',
    'discount',
    'discountrate',
    'discountpct',
    'discountpercent',
    'taxrate',
    'vatrate',
    'interestrate',
    'conversionrate',
    'growthrate',
    'growth',
    'margin',
    'share',
    'completion',
    'progress',
    'probability',
    'ctr',
    'apr',
    'apy',
    // Other languages.
    'prozent',
    'prozentsatz',
    'rabatt',
    'pourcentage',
    'remise',
    'porcentaje',
    'descuento',
    'percentuale',
    'sconto',
  ],
  looksLike(raw) {
    const p = shape(raw);
    return p?.percent === true && !p.scientific && p.currencySymbol === undefined;
  },
};
