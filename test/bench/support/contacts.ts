/**
 * The generated contacts file (test/support/generate-contacts.ts) on disk,
 * the dataset that fits it, and one timed import of it.
 */
import { createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CONTACT_HEADER, generateContactsCsv } from '../../support/generate-contacts.ts';
import { createDataset, getJson, processingSeconds, submitFile, waitForJob } from './jobs.ts';
import { round } from './result.ts';

/** The generator's columns (its header, in order). */
export const CONTACT_COLUMNS = CONTACT_HEADER.split(',');

/** A dataset for the generated file: every column, Sluice types, keyed by email. */
export function contactsDataset(name: string) {
  const types: Record<string, string> = {
    id: 'integer',
    name: 'name',
    email: 'email',
    phone: 'phone',
    birth_date: 'date',
    country: 'country',
    postal_code: 'postal_code',
    state: 'region',
    employer: 'company',
    notes: 'text',
  };
  return {
    name,
    columns: CONTACT_COLUMNS.map((c) => ({
      name: c,
      type: types[c] ?? 'text',
      ...(c === 'email' ? { required: true } : {}),
    })),
    key: ['email'],
  };
}

/** Writes `rows` generated contacts (plus the header) to `path`; returns its size in bytes. */
export async function writeContactsFile(path: string, rows: number): Promise<number> {
  await pipeline(Readable.from(generateContactsCsv(rows)), createWriteStream(path));
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
}

/** Declares `dataset`, imports `file` into it over HTTP and times it. */
export async function importContacts(
  apiUrl: string,
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
  };
}
