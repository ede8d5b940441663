import { randomUUID } from 'node:crypto';
import { openCsvText, splitRecords } from '@sluice/csv';
import {
  claimIdempotencyKey,
  type Database,
  type DatasetView,
  deleteJob,
  finishEarlyUpload,
  finishUpload,
  insertChunk,
  insertJob,
  insertWholeUpload,
  inTransaction,
  type NewJob,
  setReceivingPlan,
  type TransactionOptions,
  type WholeUpload,
} from '@sluice/db';
import { ColumnProfiler } from '@sluice/normalize';
import type { Kysely, Transaction } from 'kysely';
import { type DatasetMapping, mapToDataset } from '../../datasets/column-mapping.ts';
import { HttpProblem } from '../../http/problem.ts';
import { withColumnRules } from '../../rules/job-column-rules.ts';
import type { JobRequest } from '../job-options.ts';
import { ChunkStores } from './chunk-stores.ts';
import { decideFileDialect, describeDialect } from './dialect.ts';
import { EarlyChunks, type EarlyProcessing } from './early-chunks.ts';
import { generatedHeaderNames, readHeaderNames, requireUsableOutputHeader } from './header.ts';
import { profileChunk } from './profile-chunk.ts';
import type { CsvUpload } from './request-body.ts';
import { emptyFile, noRows, uploadProblem } from './upload-problems.ts';

export interface StoreLimits {
  chunkBytes: number;
  maxRecordBytes: number;
  maxColumns: number;
}

export interface StoredUpload {
  jobId: string;
  chunks: number;
  rows: number;
  bytes: number;
}

/** Bytes looked at to detect encoding and delimiter. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Chunks of one upload stored at once (chunk-stores.ts): two keep both
 * cores of a small machine busy, PostgreSQL writing one chunk while it
 * writes another and the API splits the next.
 */
const STORE_CONCURRENCY = 2;

/**
 * Streams an upload into PostgreSQL: detects the encoding (transcoding to
 * UTF-8) and the delimiter from the first bytes, then stores the job row
 * (receiving) and each chunk as it arrives, each in a short transaction of
 * its own: no database connection is held while the client sends, however
 * slowly. An upload that had wholly arrived by the end of its header and
 * fits in one chunk (a small job) is stored in one statement instead: job
 * row, chunk and totals (insertWholeUpload), one round trip to PostgreSQL.
 * Chunks are stored while the next is read and profiled, two at a time on
 * two connections (chunk-stores.ts), and the next waits for a turn
 * (backpressure): memory stays near three chunks whatever the file size. Column types and date
 * orders are profiled over the whole file on the way. With `early` the
 * chunks are processed while the upload goes on (early-chunks.ts), with the
 * plan so far; the final plan is decided at the end and chunks done with
 * another one are processed again (finishEarlyUpload). Nothing is anybody's
 * until the caller accepts the job (acceptJob, right before the 202); an
 * upload that fails is withdrawn here, and one whose API process dies is
 * removed by the reconciler once it has gone silent.
 */
export async function storeUpload(
  db: Kysely<Database>,
  upload: CsvUpload,
  request: JobRequest,
  limits: StoreLimits,
  options: {
    /** The owner of the job. */
    tenantId: string;
    /** Bound to the job with its row (a concurrent duplicate is 409 idempotency_key_in_use). */
    idempotencyKey?: string | undefined;
    /** Import jobs: the dataset, whose columns decide the mapped columns' types. */
    dataset?: DatasetView | undefined;
    /** Timeouts of each short transaction (statement, idle in transaction). */
    transaction: TransactionOptions;
    /** Stores a small upload whole without an Idempotency-Key (default: insertWholeUpload alone). */
    storeWhole?: ((upload: WholeUpload) => Promise<void>) | undefined;
    /** Chunks processed while the upload arrives (UPLOAD_EARLY_PROCESSING): how to enqueue them. */
    early?: EarlyProcessing | undefined;
  },
): Promise<StoredUpload> {
  const { dataset, tenantId, idempotencyKey } = options;
  const storeWhole =
    options.storeWhole ?? ((u: WholeUpload) => insertWholeUpload(db, u.job, u.chunk, u.totals));
  const jobId = randomUUID();
  const early = options.early && new EarlyChunks(jobId, options.early);
  let stored = false;
  // The chunks being stored: the next one is split and profiled meanwhile,
  // then waits for a free turn (a failure surfaces there, or at the end).
  const stores = new ChunkStores(STORE_CONCURRENCY);
  // One short transaction per step; a step that may run twice (a chunk, the
  // totals) is retried after a transient failure.
  const write = <T>(step: (trx: Transaction<Database>) => Promise<T>, maxAttempts = 1) =>
    inTransaction(db, step, { ...options.transaction, maxAttempts });
  const stillReceiving = (receiving: boolean) => {
    if (!receiving) {
      throw new HttpProblem(
        'upload_too_slow',
        'The upload stalled for so long that it was discarded; send it again.',
      );
    }
  };
  try {
    const text = await openCsvText(upload.bytes, {
      sniffBytes: SNIFF_BYTES,
      encoding: request.encoding,
    });
    const file = decideFileDialect(request, text);
    const { delimiter } = file;
    // The encoding of a file that starts with plain ASCII is decided later
    // (at its first non-ASCII byte): the options are written again at the end.
    const options = () => ({
      ...request.options,
      dialect: describeDialect(text.encoding(), file, upload),
    });

    let chunks = 0;
    let rows = 0;
    let bytes = 0;
    let profiler: ColumnProfiler | undefined;
    let targets: Array<string | undefined> = [];
    let partTargets: DatasetMapping['partTargets'] = [];
    let requiredParts: DatasetMapping['requiredParts'] = [];
    // The job row, until it is written: held back only while the whole body
    // has already arrived (so no receiving row is missed while waiting on the
    // client), in case it fits in one chunk and all of it goes in one statement.
    let heldJob: NewJob | undefined;
    const profile = (data: Buffer) => {
      if (!profiler?.wantsRows) return;
      profileChunk(profiler, data, {
        delimiter: delimiter.delimiter,
        quote: file.quote,
        maxFields: limits.maxColumns,
      });
    };
    const columnsOf = (finished: ColumnProfiler) =>
      withColumnRules(
        finished.finish().map((profiled, i) => {
          // A split name's parts may fill dataset columns of their own.
          const parts = profiled.split ? partTargets[i] : undefined;
          const needed = parts ? requiredParts[i] : undefined;
          const c = parts
            ? { ...profiled, partTargets: parts, ...(needed ? { requiredParts: needed } : {}) }
            : profiled;
          const target = targets[i];
          if (target === undefined) return c;
          // Workers bound a key column's values (MAX_KEY_BYTES) row by row.
          return dataset?.key.includes(target) ? { ...c, target, key: true } : { ...c, target };
        }),
        request.columns,
        dataset,
      );
    const insertJobRow = (trx: Transaction<Database>, job: NewJob) =>
      insertJob(trx, job).then(() => claimKey(trx));
    const claimKey = async (trx: Transaction<Database>) => {
      const key = idempotencyKey;
      if (key !== undefined && !(await claimIdempotencyKey(trx, { tenantId, key, jobId }))) {
        throw new HttpProblem(
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is in progress or was just answered; retry in a moment.',
          { headers: { 'retry-after': '1' } },
        );
      }
    };
    /** The job row, once the column names are known (from the header, or generated). */
    const startJob = async (names: string[], header: Buffer) => {
      let requests = request.columns;
      if (dataset)
        ({ requests, targets, partTargets, requiredParts } = mapToDataset(
          names,
          request.columns,
          dataset,
        ));
      requireUsableOutputHeader(names, requests);
      profiler = new ColumnProfiler(names, requests, request.options.dateOrder, {
        dateOrderHint: request.dateOrderHint,
        locale: request.options.locale,
      });
      const job: NewJob = {
        id: jobId,
        tenantId,
        type: request.type,
        dataset: dataset?.name,
        dryRun: request.dryRun,
        fileName: upload.fileName,
        header,
        columns: names.map((name) => ({ name, type: 'text', required: false })),
        options: options(),
      };
      if (upload.arrived()) {
        heldJob = job;
        return;
      }
      await write((trx) => insertJobRow(trx, job));
      stored = true;
    };
    const split = splitRecords(text.stream, {
      ...limits,
      delimiter: delimiter.delimiter.charCodeAt(0),
      quote: file.quote.charCodeAt(0),
      skipRecords: file.titleLines,
      headerless: !file.hasHeader,
    });
    if (!file.hasHeader) {
      // No header line: the names are generated, and stored as the job's header.
      const names = generatedHeaderNames(file.width);
      await startJob(names, Buffer.from(names.join(delimiter.delimiter)));
    }
    for await (const event of split) {
      if (event.kind === 'header') {
        const names = readHeaderNames(event.bytes, limits.maxColumns, {
          delimiter: delimiter.delimiter,
          quote: file.quote,
          headerForced: file.headerForced,
        });
        bytes += event.bytes.byteLength;
        await startJob(names, event.bytes);
        continue;
      }
      const chunk = {
        seq: event.seq,
        firstRecord: event.firstRecord,
        recordCount: event.recordCount,
        data: event.bytes,
      };
      if (heldJob && event.last && profiler) {
        // The whole upload is this one chunk: job row, chunk and totals at once.
        profile(event.bytes);
        const job = heldJob;
        const totals = {
          bytes: bytes + event.bytes.byteLength,
          chunks: 1,
          rows: event.recordCount,
          columns: columnsOf(profiler),
          options: options(),
        };
        // Withdrawn on failure too: a commit whose answer was lost did store it.
        stored = true;
        if (idempotencyKey === undefined) await storeWhole({ job, chunk, totals });
        else {
          // The key's claim must be undone with the job: a transaction.
          await write(async (trx) => {
            await insertWholeUpload(trx, job, chunk, totals);
            await claimKey(trx);
          });
        }
        return { jobId, chunks: totals.chunks, rows: totals.rows, bytes: totals.bytes };
      }
      if (heldJob) {
        const job = heldJob;
        heldJob = undefined;
        await write((trx) => insertJobRow(trx, job));
        stored = true;
      }
      // Early processing: the plan so far, once the profiler's sample is complete.
      const plan = early?.planToWrite(
        profiler?.readsFields === undefined
          ? undefined
          : { columns: columnsOf(profiler), options: options() },
      );
      await stores.add(
        () =>
          write(async (trx) => {
            const receiving = await insertChunk(trx, jobId, chunk);
            return receiving && plan ? setReceivingPlan(trx, jobId, plan) : receiving;
          }, 3),
        (receiving) => {
          stillReceiving(receiving);
          early?.stored(chunk.seq, plan !== undefined);
        },
        plan !== undefined,
      );
      profile(event.bytes);
      chunks += 1;
      rows += event.recordCount;
      bytes += event.bytes.byteLength;
    }
    await stores.drain();
    if (!profiler) throw emptyFile();
    if (chunks === 0) {
      throw noRows();
    }
    const totals = { bytes, chunks, rows, columns: columnsOf(profiler), options: options() };
    // Chunks processed early with another plan than this final one are reset.
    const finish = early?.planned ? finishEarlyUpload : finishUpload;
    stillReceiving(await write((trx) => finish(trx, jobId, totals), 3));
    await early?.withdraw();
    return { jobId, chunks, rows, bytes };
  } catch (error) {
    // Withdrawn at once; if even that fails (the database is down), the
    // reconciler removes the silent upload later. It was never accepted.
    // Chunks still being stored are let finish first (they would find no job
    // either way: their statements store nothing once the job row is gone).
    await stores.settle();
    if (stored) await deleteJob(db, jobId).catch(() => {});
    throw uploadProblem(error);
  }
}
