import type { Dialect } from '@sluice/contract';
import type { Delimiter, EncodingDecision } from '@sluice/csv';

/** How the file was read, as stored with the job and shown by GET /v1/jobs/{id}. */
export function describeDialect(
  encoding: EncodingDecision,
  delimiter: { delimiter: Delimiter; confidence: number; source: string },
): Dialect {
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
