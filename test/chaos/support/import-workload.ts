import { expect } from 'vitest';
import { type JobBody, postStream } from '../../support/client.ts';
import { datasetTable } from '../../support/dataset-tables.ts';
import { contactDatasetColumns, generateContactsCsv } from '../../support/generate-contacts.ts';
import {
  digest,
  expectChunkInvariants,
  type FileDigest,
  type Workload,
  type WorkloadContext,
  waitForFinalJob,
  withClient,
} from './workload.ts';

/**
 * Import jobs: the generated contacts file imported into a fresh dataset
 * (`sluice_datasets.<run name>`) keyed by the file's `id` column. Compared
 * with the reference: the dataset's content (row count + checksum of every
 * column, Sluice's own `_job_id`/`_updated_at` excluded), the normalized
 * output and error report, the counts and the merge statistics.
 */

const COLUMNS = contactDatasetColumns('id');

export interface ImportOutcome {
  job: JobBody & { import?: { rowsInserted: number; rowsUpdated: number } };
  /** Dataset rows and a checksum of their content. */
  dataset: { rows: number; checksum: string };
  files: { result: FileDigest; errors: FileDigest };
}

export function importWorkload(ctx: WorkloadContext): Workload<ImportOutcome> {
  return {
    kind: 'import',
    async submit(name) {
      const created = await fetch(`${ctx.apiUrl}/v1/datasets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, columns: COLUMNS, key: ['id'] }),
      });
      expect(created.status, await created.text()).toBe(201);
      const res = await postStream(
        `${ctx.apiUrl}/v1/jobs?type=import&dataset=${name}`,
        generateContactsCsv(ctx.rows, ctx.fileSeed),
        { 'content-type': 'text/csv' },
      );
      expect(res.status, res.body).toBe(202);
      return (JSON.parse(res.body) as JobBody).id;
    },

    async settle(name, jobId) {
      const job = (await waitForFinalJob(ctx.apiUrl, jobId)) as ImportOutcome['job'];
      expect(job.status, job.error ?? '').toBe('completed');
      const dataset = await withClient(ctx.databaseUrl, async (client) => {
        await expectChunkInvariants(client, job);
        // The job's stage (its chunks' staged rows) went with its merge.
        const stage = `sluice_import_stage.job_${jobId.replaceAll('-', '')}`;
        const left = await client.query<{ t: string | null }>('select to_regclass($1)::text as t', [
          stage,
        ]);
        expect(left.rows[0]!.t, 'import stage left behind').toBeNull();
        const columns = COLUMNS.map((c) => `coalesce(${c.name}::text, '∅')`).join(` || '|' || `);
        const { rows } = await client.query<{ rows: number; checksum: string }>(
          `select count(*)::int as rows,
                  md5(coalesce(string_agg(${columns}, E'\\n' order by id), '')) as checksum
           from ${await datasetTable(client, name)}`,
        );
        return rows[0]!;
      });
      return {
        job,
        dataset,
        files: { result: await digest(job.links.result), errors: await digest(job.links.errors) },
      };
    },

    checkReference(reference) {
      expect(reference.job.counts.rowsTotal).toBe(ctx.rows);
      expect(reference.dataset.rows).toBe(reference.job.counts.rowsAccepted);
      // Header line + one line per accepted row.
      expect(reference.files.result.records).toBe(reference.job.counts.rowsAccepted + 1);
      expect(reference.job.import).toMatchObject({
        rowsInserted: reference.dataset.rows,
        rowsUpdated: 0,
      });
    },

    expectSame(actual, reference) {
      expect(actual.dataset).toEqual(reference.dataset);
      expect(actual.files).toEqual(reference.files);
      expect(actual.job.counts).toEqual(reference.job.counts);
      // A fresh dataset: every accepted row inserted once, nothing updated.
      expect(actual.job.import).toEqual(reference.job.import);
    },
  };
}
