import type { Dialect } from '@sluice/contract';
import {
  type CsvText,
  type Delimiter,
  detectDelimiter,
  detectHeaderLayout,
  detectQuote,
  type EncodingDecision,
  type Quote,
} from '@sluice/csv';
import type { JobRequest } from '../job-options.ts';
import type { CsvUpload } from './request-body.ts';

/** The delimiter a file is read with: the request's, or detected from its first bytes. */
interface DelimiterDecision {
  delimiter: Delimiter;
  confidence: number;
  source: 'request' | 'detected';
}

/** How a file is read, decided from the request and its first bytes: delimiter, quote, header. */
export interface FileDialect {
  delimiter: DelimiterDecision;
  quote: Quote;
  quoteSource: 'request' | 'detected' | 'default';
  /** Title lines above the header to skip (record numbers stay the file's lines). */
  titleLines: number;
  /** False: no header line, the names are generated (generatedHeaderNames). */
  hasHeader: boolean;
  headerSource: 'request' | 'detected';
  /** The request said header=true: the header is used even when it looks like data. */
  headerForced: boolean;
  /** Fields of the first record after the titles: how many names a headerless file gets. */
  width: number;
}

type Sample = Pick<CsvText, 'sampleText' | 'complete'>;

function decideDelimiter(
  requested: Delimiter | undefined,
  text: Sample,
  quote: Quote = '"',
): DelimiterDecision {
  return requested
    ? { delimiter: requested, confidence: 1, source: 'request' }
    : { ...detectDelimiter(text.sampleText, text.complete, 50, quote), source: 'detected' };
}

/**
 * Delimiter, quote and header layout, each the request's or detected from
 * the sample. The delimiter is detected with double quotes first; when
 * single quotes are then found, again with them (a quoted delimiter would
 * otherwise blur the field counts).
 */
export function decideFileDialect(
  request: Pick<JobRequest, 'delimiter' | 'quote' | 'header'>,
  text: Sample,
): FileDialect {
  let delimiter = decideDelimiter(request.delimiter, text);
  let quote: Quote = '"';
  let quoteSource: FileDialect['quoteSource'] = 'default';
  if (request.quote !== undefined) {
    quote = request.quote;
    quoteSource = 'request';
  } else if (detectQuote(text.sampleText, text.complete, delimiter.delimiter).quote === "'") {
    quote = "'";
    quoteSource = 'detected';
  }
  if (quote === "'" && delimiter.source === 'detected') {
    delimiter = decideDelimiter(undefined, text, quote);
  }
  const layout = detectHeaderLayout(text.sampleText, text.complete, {
    delimiter: delimiter.delimiter,
    quote,
  });
  return {
    delimiter,
    quote,
    quoteSource,
    titleLines: layout.titleLines,
    hasHeader: request.header ?? !layout.firstRowIsData,
    headerSource: request.header === undefined ? 'detected' : 'request',
    headerForced: request.header === true,
    width: layout.width,
  };
}

/** How the file was read, as stored with the job and shown by GET /v1/jobs/{id}. */
export function describeDialect(
  encoding: EncodingDecision,
  file: FileDialect,
  upload: Pick<CsvUpload, 'container' | 'sheet'>,
): Dialect {
  const { delimiter } = file;
  return {
    encoding: encoding.encoding,
    encodingSource: encoding.source,
    encodingConfidence: encoding.confidence,
    ...(encoding.note ? { encodingNote: encoding.note } : {}),
    delimiter: delimiter.delimiter,
    delimiterSource: delimiter.source,
    delimiterConfidence: Number(delimiter.confidence.toFixed(2)),
    quote: file.quote,
    quoteSource: file.quoteSource,
    hasHeader: file.hasHeader,
    headerSource: file.headerSource,
    ...(file.titleLines > 0 ? { skippedLines: file.titleLines } : {}),
    ...(upload.container ? { container: upload.container } : {}),
    ...(upload.sheet !== undefined ? { sheet: upload.sheet } : {}),
  };
}
