import { CsvInputError, InvalidEncodingError } from '@sluice/csv';
import { UnknownColumnError } from '@sluice/normalize';
import { HttpProblem } from '../../http/problem.ts';

export const emptyFile = (): HttpProblem =>
  new HttpProblem('empty_file', 'The uploaded file is empty.');

/** What reading an upload's CSV can throw, as the problem a client gets (anything else as is). */
export function uploadProblem(error: unknown): unknown {
  if (error instanceof CsvInputError) {
    if (error.code === 'empty_file') return emptyFile();
    if (error.code === 'not_csv') {
      return new HttpProblem('not_csv', error.message, { extra: { detected: error.detected } });
    }
    return new HttpProblem(
      'record_too_large',
      `Record ${error.recordNumber} is larger than the per-record limit (MAX_RECORD_BYTES).`,
      {
        extra: { record: error.recordNumber },
      },
    );
  }
  if (error instanceof InvalidEncodingError) {
    return new HttpProblem(
      'invalid_encoding',
      `${error.message} Save the file as UTF-8 CSV or pass encoding=...`,
    );
  }
  if (error instanceof UnknownColumnError) {
    return new HttpProblem('unknown_column', error.message);
  }
  return error;
}

export const noRows = (): HttpProblem =>
  new HttpProblem('no_rows', 'The file has a header but no data rows.');
