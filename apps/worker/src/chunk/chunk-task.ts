import type { RowError } from '@sluice/contract';
import type { ChunkUniqueValues, StagedRows } from '@sluice/db';
import type { ColumnRules, ColumnSpec, NormalizeOptions } from '@sluice/normalize';

/** What the event loop hands a thread for one chunk (structured-clone friendly). */
export interface ChunkTask {
  data: Uint8Array;
  firstRecord: number;
  recordCount: number;
  /**
   * Every input column, in input order. `key`: import jobs, a column of the
   * dataset's key (its values are bounded together); `dropped`: not
   * normalized, not written.
   */
  columns: Array<
    ColumnSpec & {
      key?: boolean | undefined;
      dropped?: boolean | undefined;
      /** Import jobs: the dataset column this one fills (staged; others are not). */
      target?: string | undefined;
      /** Validation rules, one set per source (@sluice/normalize's compileRowRules). */
      rules?: ColumnRules[] | undefined;
    }
  >;
  options: NormalizeOptions;
  maxColumns: number;
  /** The file's delimiter (detected at upload); output is always comma-separated. */
  delimiter: string;
  /** The file's quote character (detected at upload; absent: a double quote). */
  quote?: string | undefined;
  /** Import jobs: also return the accepted rows for the job's stage (`staged`), as chunk `seq`'s. */
  stage?: { seq: number } | undefined;
}

export interface ChunkTaskResult {
  /** Normalized CSV lines of the accepted rows, UTF-8, no header. */
  output: Uint8Array;
  rowsAccepted: number;
  rowsRejected: number;
  rowsBlank: number;
  errors: RowError[];
  /** Values normalized (rows given to the normalizer x columns), by column type. */
  valuesByType: Record<string, number>;
  /** With `stage`: the accepted rows for the job's stage, as COPY input (@sluice/db's StagedRows). */
  staged?: StagedRows | undefined;
  /**
   * Jobs with `unique` columns (validation rules): their values in the
   * accepted rows, compared over the whole file when the job is finalized
   * (@sluice/db's ChunkUniqueValues).
   */
  unique?: ChunkUniqueValues | undefined;
}
