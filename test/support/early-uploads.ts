import type pg from 'pg';
import { postStream } from './client.ts';

/**
 * Uploads that pause halfway until their job has a chunk processed while the
 * upload still arrives (UPLOAD_EARLY_PROCESSING), so the early path is
 * taken every time, not only when the machine happens to be fast enough.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One chunk processed before its job was accepted. */
export interface EarlyChunk {
  jobId: string;
  seq: number;
  plan: string;
  processedAt: Date;
}

/**
 * Waits until the receiving job uploaded as `fileName` has a chunk done
 * (by an early chunk job), chunk `seq` when given, and returns it.
 */
export async function waitForEarlyChunk(
  db: Pick<pg.Client, 'query'>,
  fileName: string,
  { seq, timeoutMs = 60_000 }: { seq?: number; timeoutMs?: number } = {},
): Promise<EarlyChunk> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(50)) {
    const { rows } = await db.query<{
      job_id: string;
      seq: number;
      plan: string;
      processed_at: Date;
    }>(
      `select c.job_id, c.seq, c.plan, c.processed_at from job_chunks c join jobs j on j.id = c.job_id
       where j.file_name = $1 and j.status = 'receiving' and c.status = 'done'
         and ($2::int is null or c.seq = $2)
       order by c.seq limit 1`,
      [fileName, seq ?? null],
    );
    const row = rows[0];
    if (row)
      return { jobId: row.job_id, seq: row.seq, plan: row.plan, processedAt: row.processed_at };
  }
  throw new Error(`no chunk of ${fileName} was processed while it was uploaded`);
}

/**
 * POSTs `first`, then waits for `between` (the upload stays open), then
 * sends `rest`. `between` may throw to abort the request instead.
 */
export function postInTwoParts(
  url: string,
  first: string,
  rest: string,
  between: () => Promise<void>,
) {
  async function* body() {
    yield Buffer.from(first);
    await between();
    yield Buffer.from(rest);
  }
  return postStream(url, body(), { 'content-type': 'text/csv' });
}
