/**
 * Errors that make a whole upload unusable. They are thrown (not returned per
 * record) because the splitter cannot go on producing chunks after them; the
 * HTTP API maps `code` to a problem+json response.
 */
export type CsvInputErrorCode = 'empty_file' | 'record_too_large' | 'not_csv';

export class CsvInputError extends Error {
  readonly code: CsvInputErrorCode;
  /** 1-based record number in the file (header = 1), for `record_too_large`. */
  readonly recordNumber?: number;
  /** For `not_csv`: what the upload looks like instead ('gzip', 'pdf', 'binary', ...). */
  readonly detected?: string;

  constructor(code: CsvInputErrorCode, message: string, recordNumber?: number, detected?: string) {
    super(message);
    this.name = 'CsvInputError';
    this.code = code;
    this.recordNumber = recordNumber;
    this.detected = detected;
  }
}
