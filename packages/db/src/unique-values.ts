import type { StoredErrorCounts } from '@sluice/contract';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { storableText } from './storable-text.ts';
import { storedJson } from './stored-json.ts';

/**
 * The values of a chunk's `unique` columns (validation rules), one entry
 * per accepted row and unique column with a value, as parallel arrays.
 */
export interface ChunkUniqueValues {
  columns: string[];
  /** Normalized values (compared by their SHA-256). */
  values: string[];
  /** The values as written, for the error report. */
  raws: string[];
  recordNumbers: number[];
}

/**
 * Stores a chunk's unique values in its fenced commit, replacing any it
 * stored before (a chunk reset to pending and processed again). Jobs without
 * unique columns send none and cost no statement.
 */
export async function storeChunkUniqueValues(
  trx: Transaction<Database>,
  jobId: string,
  seq: number,
  unique: ChunkUniqueValues | undefined,
): Promise<void> {
  if (unique === undefined) return;
  await trx
    .deleteFrom('job_unique_values')
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .execute();
  if (unique.recordNumbers.length === 0) return;
  await sql`
    insert into job_unique_values (job_id, seq, column_name, value_hash, record_number, raw_value)
    select ${jobId}::uuid, ${seq}::int, t.c, sha256(convert_to(t.v, 'UTF8')), t.r, t.raw
    from unnest(
      ${unique.columns.map((c) => storableText(c))}::text[],
      ${unique.values.map((v) => storableText(v))}::text[],
      ${unique.recordNumbers}::int[],
      ${unique.raws.map((r) => storableText(r))}::text[]
    ) as t(c, v, r, raw)
    on conflict do nothing`.execute(trx);
}

/** Runs one statement in the caller's transaction (kysely's or a raw pg client's). */
export type RunStatement = <R>(text: string, parameters: unknown[]) => Promise<R[]>;

/** RunStatement over a kysely transaction. */
export const runIn =
  (trx: Transaction<Database>): RunStatement =>
  async <R>(text: string, parameters: unknown[]) =>
    (await trx.executeQuery<R>(CompiledQuery.raw(text, parameters))).rows;

interface Duplicate {
  seq: number;
  column_name: string;
  record_number: number;
  raw_value: string;
  first: number;
}

/**
 * Ordinals of the errors found at the end: after every error a chunk's
 * commit stored (its ordinals count from 0), so they are listed last among
 * their chunk's errors.
 */
const FINALIZE_ORDINALS = 1_000_000_000;

/**
 * Finds the rows whose `unique` value occurred on an earlier row of the file
 * and reports each as duplicate_in_file on the later row, naming the first
 * one; in the transaction that finalizes the job (its row locked), once
 * every chunk is done and committed exactly once (fenced), so every value
 * is seen once whatever the order or number of chunk deliveries. Each error
 * counts in its row's chunk (errors_total, error_counts: the job's totals
 * and summary); rows are stored within the job's error budget like a
 * chunk's. The rows themselves stay accepted. The job's values are deleted
 * here. Returns how many were found.
 */
export async function reportDuplicatesInFile(
  run: RunStatement,
  jobId: string,
  maxStoredPerJob: number,
): Promise<number> {
  // Read and removed at once: the values have served once the job completes
  // (this transaction); a rollback keeps them for the next attempt.
  const duplicates = await run<Duplicate>(
    `with gone as (delete from job_unique_values where job_id = $1
                   returning seq, column_name, value_hash, record_number, raw_value)
     select seq, column_name, record_number, raw_value, first from (
       select seq, column_name, record_number, raw_value,
              min(record_number) over (partition by column_name, value_hash) as first
       from gone) v
     where record_number > first
     order by record_number, column_name`,
    [jobId],
  );
  if (duplicates.length === 0) return 0;
  const [job] = await run<{ error_rows_stored: number }>(
    'select error_rows_stored from jobs where id = $1',
    [jobId],
  );
  const granted = Math.max(
    0,
    Math.min(duplicates.length, maxStoredPerJob - (job?.error_rows_stored ?? 0)),
  );
  if (granted > 0) {
    await run('update jobs set error_rows_stored = error_rows_stored + $2 where id = $1', [
      jobId,
      granted,
    ]);
    const stored = duplicates.slice(0, granted);
    const next = new Map<number, number>();
    const ordinals = stored.map((d) => {
      const k = next.get(d.seq) ?? 0;
      next.set(d.seq, k + 1);
      return FINALIZE_ORDINALS + k;
    });
    await run(
      `insert into job_row_errors
         (job_id, chunk_seq, ordinal, record_number, column_name, raw_value, code, message)
       select $1::uuid, t.seq, t.ordinal, t.record, t.col, t.raw, 'duplicate_in_file', t.message
       from unnest($2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[])
         as t(seq, ordinal, record, col, raw, message)`,
      [
        jobId,
        stored.map((d) => d.seq),
        ordinals,
        stored.map((d) => d.record_number),
        stored.map((d) => d.column_name),
        stored.map((d) => d.raw_value),
        stored.map(
          (d) =>
            `The value of ${d.column_name} already occurs in row ${d.first}; ${d.column_name} is unique within the file`,
        ),
      ],
    );
  }
  await addToChunkCounts(run, jobId, duplicates);
  return duplicates.length;
}

/** Adds the duplicates to their chunks' errors_total and error_counts. */
async function addToChunkCounts(
  run: RunStatement,
  jobId: string,
  duplicates: readonly Duplicate[],
): Promise<void> {
  const bySeq = new Map<number, Map<string, number>>();
  for (const d of duplicates) {
    const columns = bySeq.get(d.seq) ?? new Map<string, number>();
    columns.set(d.column_name, (columns.get(d.column_name) ?? 0) + 1);
    bySeq.set(d.seq, columns);
  }
  const seqs = [...bySeq.keys()];
  const chunks = await run<{ seq: number; error_counts: unknown }>(
    'select seq, error_counts from job_chunks where job_id = $1 and seq = any($2::int[])',
    [jobId, seqs],
  );
  const counts = chunks.map(({ seq, error_counts }) => {
    const columns = bySeq.get(seq)!;
    // A chunk without counts (committed before migration 0013) keeps none.
    if (error_counts === null) return { seq, added: sum(columns), counts: null };
    const merged: StoredErrorCounts = [
      ...storedJson.errorCounts.read(error_counts),
      ...[...columns].map(([column, errors]) => ({ column, code: 'duplicate_in_file', errors })),
    ];
    return { seq, added: sum(columns), counts: storedJson.errorCounts.write(merged) };
  });
  await run(
    `update job_chunks c
        set errors_total = c.errors_total + t.added,
            error_counts = coalesce(t.counts::jsonb, c.error_counts)
       from unnest($2::int[], $3::int[], $4::text[]) as t(seq, added, counts)
      where c.job_id = $1 and c.seq = t.seq`,
    [jobId, counts.map((c) => c.seq), counts.map((c) => c.added), counts.map((c) => c.counts)],
  );
}

const sum = (columns: ReadonlyMap<string, number>) =>
  [...columns.values()].reduce((a, b) => a + b, 0);
