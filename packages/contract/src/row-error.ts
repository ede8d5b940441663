/**
 * One per-row error: what a worker thread reports, what a chunk commits to
 * job_row_errors and what errors.csv lists. `column` and `raw` are null for
 * an error about the whole row (wrong field count, invalid encoding).
 */
export interface RowError {
  /** Record number in the file (the header is 1). */
  recordNumber: number;
  column: string | null;
  raw: string | null;
  /** A stable code (normalize's ERROR_CODES, or a row-level one such as invalid_encoding). */
  code: string;
  message: string;
}
