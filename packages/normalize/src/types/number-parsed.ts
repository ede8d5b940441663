/** What parseDecimal (number-parse.ts) answers: a number read, or why not. */

export interface ParsedDecimal {
  /** -1 for a negative value; zero is never negative (`-0` has sign 1). */
  sign: 1 | -1;
  /** ASCII digits of the integer part without leading zeros; '0' when it is zero. */
  integerDigits: string;
  /** ASCII digits after the decimal separator, as written (trailing zeros kept); may be ''. */
  fractionDigits: string;
  /** ISO 4217 code, when the symbol or code names one currency (`€`, `R$`, `USD`; not `$`). */
  currency?: string;
  /** The currency symbol or code as written (`$`, `kr`, `USD`), when there was one. */
  currencySymbol?: string;
  /** The value was written with a percent sign; the digits are as written (`12.5%`: 12 and 5). */
  percent: boolean;
  /** The value was written in scientific notation; the digits have the exponent applied. */
  scientific: boolean;
}

export interface DecimalError {
  /** Why the value is not a number, for the error message. */
  reason: string;
  /** The separator could be read either way and the column gives no answer (ParseOptions.doubt). */
  ambiguous?: true;
}
