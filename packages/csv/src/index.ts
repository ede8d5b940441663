/**
 * @sluice/csv: quote-aware splitting of CSV byte streams into bounded chunks
 * (HTTP API), record parsing and CSV writing (worker threads). Pure: no I/O
 * besides consuming the async iterable given to splitRecords.
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
  detectEncoding,
  type EncodingGuess,
  INPUT_ENCODINGS,
  type InputEncoding,
  InvalidEncodingError,
  transcodeToUtf8,
} from './encoding.ts';
export { CsvInputError, type CsvInputErrorCode } from './errors.ts';
export { formatRecord } from './format.ts';
export { neutralizeFormula } from './formula.ts';
export {
  type ParsedRecord,
  type ParseError,
  type ParseErrorCode,
  type ParseOptions,
  parseRecords,
} from './parse.ts';
export { peek } from './peek.ts';
export { recordEnds } from './scanner.ts';
export { type SplitEvent, type SplitOptions, splitRecords } from './split.ts';
