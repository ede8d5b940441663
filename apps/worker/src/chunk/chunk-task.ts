import type { RowError } from '@sluice/contract';
import type { ColumnSpec, NormalizeOptions } from '@sluice/normalize';

/** What the event loop hands a thread for one chunk (structured-clone friendly). */
export interface ChunkTask {
  data: Uint8Array;
  firstRecord: number;
  recordCount: number;
  /** `key`: import jobs, a column of the dataset's key (its values are bounded together). */
  columns: Array<ColumnSpec & { key?: boolean | undefined }>;
  options: NormalizeOptions;
  maxColumns: number;
  /** The file's delimiter (detected at upload); output is always comma-separated. */
  delimiter: string;
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
}
