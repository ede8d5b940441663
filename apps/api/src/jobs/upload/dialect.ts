import type { Dialect } from '@sluice/contract';
import { type CsvText, type Delimiter, detectDelimiter, type EncodingDecision } from '@sluice/csv';

/** The delimiter a file is read with: the request's, or detected from its first bytes. */
export interface DelimiterDecision {
  delimiter: Delimiter;
  confidence: number;
  source: 'request' | 'detected';
}

export function decideDelimiter(
  requested: Delimiter | undefined,
  text: Pick<CsvText, 'sampleText' | 'complete'>,
): DelimiterDecision {
  return requested
    ? { delimiter: requested, confidence: 1, source: 'request' }
    : { ...detectDelimiter(text.sampleText, text.complete), source: 'detected' };
}

/** How the file was read, as stored with the job and shown by GET /v1/jobs/{id}. */
export function describeDialect(encoding: EncodingDecision, delimiter: DelimiterDecision): Dialect {
  return {
    encoding: encoding.encoding,
    encodingSource: encoding.source,
    encodingConfidence: encoding.confidence,
    ...(encoding.note ? { encodingNote: encoding.note } : {}),
    delimiter: delimiter.delimiter,
    delimiterSource: delimiter.source,
    delimiterConfidence: Number(delimiter.confidence.toFixed(2)),
  };
}
