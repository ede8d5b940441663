import type { RowError, StoredErrorCounts } from '@sluice/contract';
import { type Kysely, sql } from 'kysely';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';

/**
 * A job's row errors for the API as JSON: a filtered page of the stored ones
 * (job_row_errors: errors.csv's rows, in its order) and the exact counts by
 * column and code (job_chunks.error_counts, summed over done chunks).
 */

export interface JobErrorFilter {
  /** undefined: any; null: errors about a whole row; else this column exactly. */
  column?: string | null | undefined;
  /** undefined: any; else this code exactly. */
  code?: string | undefined;
}

/** One page of the job's stored row errors in file order, with how many match the filter. */
export async function listJobErrors(
  db: Executor,
  jobId: string,
  filter: JobErrorFilter,
  page: { limit: number; offset: number },
): Promise<{ items: RowError[]; total: number }> {
  let query = db.selectFrom('job_row_errors').where('job_id', '=', jobId);
  if (filter.column === null) query = query.where('column_name', 'is', null);
  else if (filter.column !== undefined) query = query.where('column_name', '=', filter.column);
  if (filter.code !== undefined) query = query.where('code', '=', filter.code);
  const [rows, total] = await Promise.all([
    query
      .select(['record_number', 'column_name', 'raw_value', 'code', 'message'])
      // errors.csv's order (job-views' readJobErrors): chunks in file order, each its errors in order.
      .orderBy('chunk_seq')
      .orderBy('ordinal')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: total.n,
    items: rows.map((r) => ({
      recordNumber: r.record_number,
      column: r.column_name,
      raw: r.raw_value,
      code: r.code,
      message: r.message,
    })),
  };
}

export interface JobErrorCounts {
  /** Every row error of the job's done chunks (the job's counts.errors). */
  errors: number;
  /** Rows stored in job_row_errors (the job's counts.errorsStored). */
  stored: number;
  /** By column and code; adds up to `errors` when `exact`. */
  counts: StoredErrorCounts;
  /**
   * False when chunks done before migration 0013 (no error_counts) lost
   * errors to the cap: they are counted by their stored rows, fewer than
   * they had. Such a chunk that stored all of its errors is still exact.
   */
  exact: boolean;
}

/**
 * The job's errors counted by column and code, in one snapshot (a chunk
 * committing meanwhile cannot make the parts disagree with the total).
 */
export function countJobErrors(db: Kysely<Database>, jobId: string): Promise<JobErrorCounts> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const done = trx
        .selectFrom('job_chunks')
        .where('job_id', '=', jobId)
        .where('status', '=', 'done');
      // One after another: a transaction is one connection.
      const totals = await done
        .select(sql<string>`coalesce(sum(errors_total), 0)::bigint`.as('errors'))
        .select((eb) =>
          eb.selectFrom('jobs').select('error_rows_stored').where('id', '=', jobId).as('stored'),
        )
        .executeTakeFirstOrThrow();
      const counted = await sql<{ column: string | null; code: string; errors: string }>`
          select e.column, e.code, sum(e.errors)::bigint as errors
          from job_chunks c
            cross join lateral jsonb_to_recordset(c.error_counts)
              as e("column" text, code text, errors int)
          where c.job_id = ${jobId} and c.status = 'done' and c.error_counts is not null
          group by e.column, e.code`.execute(trx);
      // Done before error_counts existed, with errors: how many each had and stored.
      const legacy = await done
        .where('error_counts', 'is', null)
        .where('errors_total', '>', 0)
        .select((eb) => [
          'seq',
          'errors_total',
          eb
            .selectFrom('job_row_errors as r')
            .whereRef('r.job_id', '=', 'job_chunks.job_id')
            .whereRef('r.chunk_seq', '=', 'job_chunks.seq')
            .select(sql<number>`count(*)::int`.as('n'))
            .as('stored'),
        ])
        .execute();
      const counts = counted.rows.map((r) => ({ ...r, errors: Number(r.errors) }));
      if (legacy.length > 0) {
        const fromRows = await trx
          .selectFrom('job_row_errors')
          .where('job_id', '=', jobId)
          .where(
            'chunk_seq',
            'in',
            legacy.map((c) => c.seq),
          )
          .groupBy(['column_name', 'code'])
          .select(['column_name as column', 'code', sql<number>`count(*)::int`.as('errors')])
          .execute();
        counts.push(...fromRows);
      }
      return {
        errors: Number(totals.errors),
        stored: totals.stored ?? 0,
        counts: storedJson.errorCounts.read(mergeCounts(counts)),
        exact: legacy.every((c) => c.stored === c.errors_total),
      };
    });
}

/** One entry per (column, code), summing those that occur twice (counted two ways). */
function mergeCounts(counts: StoredErrorCounts): StoredErrorCounts {
  const byKey = new Map<string, StoredErrorCounts[number]>();
  for (const c of counts) {
    const key = JSON.stringify([c.column, c.code]);
    const entry = byKey.get(key);
    if (entry) entry.errors += c.errors;
    else byKey.set(key, { ...c });
  }
  return [...byKey.values()];
}
