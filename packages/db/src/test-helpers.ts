import { randomUUID } from 'node:crypto';
import type { StoredJobColumn, StoredJobOptions } from '@sluice/contract';
import type { StagedRows } from './import-stage.ts';
import { DEFAULT_TENANT_ID } from './migrations/0009_tenancy.ts';
import type { Executor } from './schema.ts';
import { inTransaction } from './transaction.ts';
import { acceptJob, finishUpload, insertChunk, insertJob } from './uploads.ts';

/** The tenant db tests store their jobs and datasets under (migration 0009 creates it). */
export const TEST_TENANT = DEFAULT_TENANT_ID;

import type { ErrorLimits } from './error-limits.ts';

/** Options as the API stores them for a plain comma-separated UTF-8 upload (test fixture). */
export const STORED_OPTIONS: StoredJobOptions = {
  phoneRegion: 'US',
  timeZone: 'UTC',
  dialect: {
    encoding: 'utf-8',
    encodingSource: 'request',
    delimiter: ',',
    delimiterSource: 'request',
    delimiterConfidence: 1,
  },
};

/** Error limits that never cut a report nor fail a job (tests of everything else). */
export const UNLIMITED_ERRORS: ErrorLimits = {
  maxStoredPerJob: 1_000_000_000,
  failFast: { minRows: 1, maxRate: 1 },
};

/**
 * Stores and accepts a normalize job of the test tenant as an upload would:
 * `chunks` chunks of `recordsPerChunk` records each (placeholder bytes),
 * with `columns`. Returns its id; throws if acceptance did not queue it.
 */
export async function storeAcceptedJob(
  db: Parameters<typeof inTransaction>[0],
  options: { chunks: number; recordsPerChunk: number; columns: StoredJobColumn[] },
): Promise<string> {
  const id = randomUUID();
  const { chunks, recordsPerChunk, columns } = options;
  await inTransaction(db, async (trx: Executor) => {
    await insertJob(trx, {
      tenantId: TEST_TENANT,
      id,
      type: 'normalize',
      fileName: 'x.csv',
      header: Buffer.from(columns.map((c) => c.name).join(',')),
      columns,
      options: STORED_OPTIONS,
    });
    for (let seq = 0; seq < chunks; seq++) {
      await insertChunk(trx, id, {
        seq,
        firstRecord: 2 + seq * recordsPerChunk,
        recordCount: recordsPerChunk,
        data: Buffer.from(`chunk ${seq}`),
      });
    }
    await finishUpload(trx, id, { bytes: 100, chunks, rows: chunks * recordsPerChunk, columns });
  });
  const accepted = await acceptJob(db, id);
  if (accepted?.status !== 'queued') throw new Error(`job ${id} was not queued by its acceptance`);
  return id;
}

/**
 * A chunk's staged rows as the worker's thread writes them (StagedRows):
 * COPY text lines of `_seq`, `_row`, `_line` and the values (empty: NULL).
 * For test values only: no escaping.
 */
export function stagedRowsOf(
  seq: number,
  rows: ReadonlyArray<{ values: readonly string[]; line?: number | undefined }>,
  columnCount = rows[0]?.values.length ?? 0,
): StagedRows {
  const lines = rows.map(
    ({ values, line }, i) =>
      `${[seq, i + 1, line ?? '\\N', ...values.map((v) => (v === '' ? '\\N' : v))].join('\t')}\n`,
  );
  return { rows: rows.length, columnCount, seq, copy: new TextEncoder().encode(lines.join('')) };
}
