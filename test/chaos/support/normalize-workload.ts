import { expect } from 'vitest';
import { type JobBody, postStream } from '../../support/client.ts';
import { generateContactsCsv } from '../../support/generate-contacts.ts';
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
 * Normalize jobs: the generated contacts file in, a cleaned CSV and an error
 * report out. Compared with the reference: result.csv and errors.csv (line
 * count + sha256 of the exact bytes: every row once, in file order) and the
 * counts.
 */

export interface NormalizeOutcome {
  job: JobBody;
  chunks: number;
  files: { result: FileDigest; errors: FileDigest };
}

export function normalizeWorkload(ctx: WorkloadContext): Workload<NormalizeOutcome> {
  return {
    kind: 'normalize',
    async submit(name) {
      const res = await postStream(
        `${ctx.apiUrl}/v1/jobs?filename=${name}.csv`,
        generateContactsCsv(ctx.rows, ctx.fileSeed),
        { 'content-type': 'text/csv' },
      );
      expect(res.status, res.body).toBe(202);
      return (JSON.parse(res.body) as JobBody).id;
    },

    async settle(_name, jobId) {
      const job = await waitForFinalJob(ctx.apiUrl, jobId);
      expect(job.status, job.error ?? '').toBe('completed');
      const { chunks } = await withClient(ctx.databaseUrl, (client) =>
        expectChunkInvariants(client, job),
      );
      return {
        job,
        chunks,
        files: { result: await digest(job.links.result), errors: await digest(job.links.errors) },
      };
    },

    checkReference(reference) {
      expect(reference.job.counts.rowsTotal).toBe(ctx.rows);
      // Header line + one line per accepted row.
      expect(reference.files.result.records).toBe(reference.job.counts.rowsAccepted + 1);
      expect(reference.job.counts.rowsAccepted).toBeGreaterThan(0);
    },

    expectSame(actual, reference) {
      expect(actual.files).toEqual(reference.files);
      expect(actual.job.counts).toEqual(reference.job.counts);
      expect(actual.chunks).toBe(reference.chunks);
    },
  };
}
