import { sqlTypeOf } from '@sluice/contract';
import { errorCode } from '@sluice/util';
import { sql } from 'kysely';
import { type DatasetView, datasetTable } from './datasets.ts';
import { UPDATES_ONLY } from './import-changes.ts';
import type { Executor } from './schema.ts';

/** One write of a dataset row by an import (import_changes, or the row itself), oldest first. */
export interface RowHistoryEntry {
  jobId: string;
  fileName: string | null;
  /** The row's line in the job's file (as errors.csv numbers it); null if not known. */
  line: number | null;
  change: 'inserted' | 'updated';
  /** When the write committed: the job finished (a promoted dry run: when it was promoted). */
  writtenAt: Date | null;
  /** The job was reverted since: this write was undone then. */
  revertedAt: Date | null;
  /** An update: the row's values before it (dataset columns, as text; booleans as booleans). */
  previous: Record<string, string | boolean | null> | null;
}

/**
 * Which imports wrote a dataset row (the row whose key columns hold
 * `keyValues`, in the dataset's key order, as text), and from which file
 * line: what the change log still holds (ROW_HISTORY_RETENTION_DAYS, and no
 * longer than the jobs). 'invalid-key': a value the key column's type
 * refuses (or not one value per key column).
 */
export async function readRowHistory(
  db: Executor,
  dataset: DatasetView,
  keyValues: readonly string[],
): Promise<RowHistoryEntry[] | 'invalid-key'> {
  if (keyValues.length !== dataset.key.length) return 'invalid-key';
  const typeOf = new Map(dataset.columns.map((c) => [c.name, sqlTypeOf(c.type)]));
  // The key as the merge logs it: jsonb of the typed values.
  const keyObject = sql`jsonb_build_object(${sql.join(
    dataset.key.map(
      (k, i) => sql`${k}::text, ${keyValues[i]}::text::${sql.raw(typeOf.get(k) ?? 'text')}`,
    ),
  )})`;
  const visible = dataset.columns.map((c) => c.name);
  const table = sql.raw(datasetTable(dataset.tableName));
  const sameKey = sql.join(
    dataset.key.map(
      (k, i) => sql`d.${sql.ref(k)} = ${keyValues[i]}::text::${sql.raw(typeOf.get(k) ?? 'text')}`,
    ),
    sql` and `,
  );
  try {
    // The logged writes (updates, and inserts logged explicitly), then the
    // implicit inserts (import-changes.ts): each version of the row, the
    // current one and the logged pre-images, names its writer and line; a
    // writer with implicit inserts that logged nothing for the key inserted it.
    const { rows } = await sql<{
      job_id: string;
      file_name: string | null;
      line: string | null;
      inserted: boolean;
      written_at: Date | null;
      reverted_at: Date | null;
      previous: Record<string, string | boolean | null> | null;
    }>`
      with logged as (
        select c.job_id, c.line, c.inserted, c.previous from import_changes c
        where c.key_hash = hashtextextended((${keyObject})::text, 0)
          and c.table_name = ${dataset.tableName} and c.key = ${keyObject}
      ), versions as (
        select d._job_id as job_id, d._line as line from ${table} d where ${sameKey}
        union
        select (l.previous->>'_job_id')::uuid, (l.previous->>'_line')::bigint
        from logged l where l.previous is not null
      ), entries as (
        select job_id, line, inserted, previous, false as implicit from logged
        union all
        select v.job_id, v.line, true, null, true from versions v
        where not exists (select from logged l where l.job_id = v.job_id)
      )
      select c.job_id, j.file_name, c.line, c.inserted,
        coalesce(j.promoted_at, j.finished_at) as written_at, j.reverted_at,
        (select jsonb_object_agg(e.k,
            case jsonb_typeof(e.v) when 'null' then null when 'boolean' then e.v
              else to_jsonb(e.v #>> '{}') end)
         from jsonb_each(c.previous) e(k, v) where e.k = any(${visible}::text[])) as previous
      from entries c
      join jobs j on j.id = c.job_id
      where j.tenant_id = ${dataset.tenantId}
        and (not c.implicit or j.change_log = ${UPDATES_ONLY})
      order by coalesce(j.promoted_at, j.finished_at), j.acceptance_seq, c.job_id`.execute(db);
    return rows.map((r) => ({
      jobId: r.job_id,
      fileName: r.file_name,
      line: r.line === null ? null : Number(r.line),
      change: r.inserted ? 'inserted' : 'updated',
      writtenAt: r.written_at,
      revertedAt: r.reverted_at,
      previous: r.previous,
    }));
  } catch (error) {
    // SQLSTATE class 22 (data exception): a key value its column's type refuses.
    if (error instanceof Error && errorCode(error)?.startsWith('22')) return 'invalid-key';
    throw error;
  }
}
