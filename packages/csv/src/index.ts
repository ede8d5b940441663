/**
 * @sluice/csv: quote-aware splitting of CSV byte streams into bounded chunks
 * (HTTP API), opening an upload as UTF-8 text (refusing what is not text,
 * deciding the encoding), record parsing and CSV writing (every cell neutralized against formula
 * injection unless explicitly exempted: formatSafeRecord).
 * Pure: no I/O besides consuming the async iterables it is given.
 *
 * Record boundaries are defined once (dialect.ts) and shared by the splitter,
 * recordEnds and parseRecords: a chunk of N records always parses into N.
 */

export {
  DELIMITER_CANDIDATES,
  type Delimiter,
  type DelimiterGuess,
  detectDelimiter,
} from './detect-delimiter.ts';
export {
  dataKindOf,
  detectHeaderLayout,
  type HeaderLayout,
  MAX_TITLE_LINES,
} from './detect-header.ts';
export { detectQuote, QUOTE_CANDIDATES, type Quote, type QuoteGuess } from './detect-quote.ts';
export {
  type EncodingDecision,
  INPUT_ENCODINGS,
  type InputEncoding,
  InvalidEncodingError,
  inputEncodingOf,
} from './encoding.ts';
export { CsvInputError, type CsvInputErrorCode } from './errors.ts';
export { formatSafeRecord, type SafeRecordOptions, safeFields } from './format.ts';
export { type CsvText, openCsvText } from './open-text.ts';
export {
  eachRecord,
  type ParsedRecord,
  type ParseError,
  type ParseErrorCode,
  type ParseOptions,
  parseRecords,
} from './parse.ts';
export { type ByteParseOptions, eachRecordInBytes, type FieldRanges } from './parse-bytes.ts';
export { peek } from './peek.ts';
export { recordEnds } from './scanner.ts';
export { type SplitEvent, type SplitOptions, splitRecords } from './split.ts';
