/**
 * The generated contacts file (test/support/generate-contacts.ts) on disk,
 * the dataset that fits it, and one timed import of it.
 */
import { createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import {
  CONTACT_HEADER,
  contactDatasetColumns,
  generateContactsCsv,
} from '../../support/generate-contacts.ts';
import { createDataset, getJson, processingSeconds, submitFile, waitForJob } from './jobs.ts';
import { round } from './result.ts';

/** The generator's columns (its header, in order). */
export const CONTACT_COLUMNS = CONTACT_HEADER.split(',');

/** A dataset for the generated file: every column, Sluice types, keyed by email. */
function contactsDataset(name: string) {
  return { name, columns: contactDatasetColumns('email'), key: ['email'] };
}

/**
 * Writes `rows` realistic generated contacts (plus the header) to `path`;
 * returns its size in bytes.
 */
export async function writeContactsFile(path: string, rows: number): Promise<number> {
  await pipeline(
    Readable.from(generateContactsCsv(rows, 1, { variant: 'realistic' })),
    createWriteStream(path),
  );
  return statSync(path).size;
}

export interface ImportFigures {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsInserted: number;
  datasetRows: number;
  uploadSeconds: number;
  /** Submit (POST started) to job completed, client clock. */
  totalSeconds: number;
  /** First chunk claimed to merge committed, server clock. */
  processingSeconds: number;
  /** rowsRead / totalSeconds */
  rowsPerSecond: number;
  /** rowsRead / processingSeconds */
  processingRowsPerSecond: number;
  /** First chunk claimed to last chunk committed (what more workers share). */
  chunkPhaseSeconds: number;
  /** rowsRead / chunkPhaseSeconds */
  chunkPhaseRowsPerSecond: number;
  /** Last chunk committed to job completed: the merge into the dataset, one transaction. */
  mergeSeconds: number;
  /**
   * First bytes read (the job row, stored once the first 64 KiB are in) to
   * the first chunk committed, server clock.
   */
  firstChunkSeconds: number;
}

/** The job's two phases from its chunk timestamps (server clock, read from PostgreSQL). */
export async function phases(
  databaseUrl: string,
  jobId: string,
): Promise<{ chunkSeconds: number; mergeSeconds: number; firstChunkSeconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ chunk: number; merge: number; first: number }>(
      `select extract(epoch from max(c.processed_at) - min(c.claimed_at))::float8 as chunk,
              extract(epoch from j.finished_at - max(c.processed_at))::float8 as merge,
              extract(epoch from min(c.processed_at) - j.created_at)::float8 as first
         from job_chunks c join jobs j on j.id = c.job_id
        where c.job_id = $1
        group by j.finished_at, j.created_at`,
      [jobId],
    );
    return {
      chunkSeconds: rows[0]!.chunk,
      mergeSeconds: rows[0]!.merge,
      firstChunkSeconds: rows[0]!.first,
    };
  } finally {
    await client.end();
  }
}

/** Declares `dataset`, imports `file` into it over HTTP and times it. */
export async function importContacts(
  apiUrl: string,
  databaseUrl: string,
  file: string,
  dataset: string,
): Promise<ImportFigures> {
  await createDataset(apiUrl, contactsDataset(dataset));
  const submitted = await submitFile(
    apiUrl,
    file,
    `?type=import&dataset=${dataset}&filename=contacts.csv`,
  );
  const job = await waitForJob(apiUrl, submitted.id);
  const totalSeconds = (performance.now() - submitted.startedMs) / 1000;
  const { rowCount } = await getJson<{ rowCount: number }>(`${apiUrl}/v1/datasets/${dataset}`);
  const rows = job.counts.rowsTotal;
  const { chunkSeconds, mergeSeconds, firstChunkSeconds } = await phases(databaseUrl, submitted.id);
  return {
    rowsRead: rows,
    rowsAccepted: job.counts.rowsAccepted,
    rowsRejected: job.counts.rowsRejected,
    rowsInserted: job.import?.rowsInserted ?? 0,
    datasetRows: rowCount,
    uploadSeconds: round(submitted.uploadSeconds, 1),
    totalSeconds: round(totalSeconds, 1),
    processingSeconds: round(processingSeconds(job), 1),
    rowsPerSecond: Math.round(rows / totalSeconds),
    processingRowsPerSecond: Math.round(rows / processingSeconds(job)),
    chunkPhaseSeconds: round(chunkSeconds, 1),
    chunkPhaseRowsPerSecond: Math.round(rows / chunkSeconds),
    mergeSeconds: round(mergeSeconds, 1),
    firstChunkSeconds: round(firstChunkSeconds, 2),
  };
}
