import { type JobBody, jobListSchema, jobSchema } from '@sluice/contract';
import type { Context } from '../context.ts';
import { downloadCsv } from '../download.ts';
import { EXIT } from '../exit-codes.ts';
import { formatCount } from '../format.ts';
import { jobEvents } from '../job-events.ts';
import { printJson, printTable } from '../output.ts';

const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

/** 0 for a job that is not failed or cancelled, 1 for one that is. */
const exitOf = (job: JobBody) =>
  job.status === 'failed' || job.status === 'cancelled' ? EXIT.failed : EXIT.ok;

function printJob(job: JobBody): void {
  const lines: Array<[string, string]> = [
    ['id', job.id],
    ['type', job.dataset ? `${job.type} into ${job.dataset}` : job.type],
    ['status', job.status],
    ['file', job.fileName ?? '-'],
    [
      'progress',
      `${job.progress.chunksDone}/${job.progress.chunksTotal} chunks (${job.progress.percent}%)`,
    ],
    [
      'rows',
      `${formatCount(job.counts.rowsTotal)} total, ${formatCount(job.counts.rowsAccepted)} accepted, ${formatCount(job.counts.rowsRejected)} rejected`,
    ],
    ['errors', formatCount(job.counts.errors)],
    ['created', job.createdAt],
    ['finished', job.finishedAt ?? '-'],
  ];
  if (job.error) lines.push(['error', `${job.error}${job.errorCode ? ` (${job.errorCode})` : ''}`]);
  for (const [name, value] of lines) process.stdout.write(`${name.padEnd(9)} ${value}\n`);
}

export async function listJobs(
  ctx: Context,
  flags: { status?: string; type?: string; dataset?: string; limit?: string; offset?: string },
): Promise<number> {
  const jobs = await ctx.client.json(jobListSchema, 'GET', '/v1/jobs', {
    query: flags,
    signal: ctx.signal,
  });
  if (ctx.json) printJson(jobs);
  else {
    printTable(
      ['ID', 'TYPE', 'STATUS', 'ROWS', 'CREATED', 'FILE'],
      jobs.map((j) => [j.id, j.type, j.status, j.rowsTotal, j.createdAt, j.fileName]),
    );
  }
  return EXIT.ok;
}

export async function status(ctx: Context, id: string): Promise<number> {
  const job = await ctx.client.json(jobSchema, 'GET', jobPath(id), { signal: ctx.signal });
  if (ctx.json) printJson(job);
  else printJob(job);
  return exitOf(job);
}

/**
 * sluice watch ID: the job's progress until it ends (a bar on a terminal);
 * --json: each event as one JSON line ({"event", "id", "data"}).
 */
export async function watch(ctx: Context, id: string): Promise<number> {
  const progress = ctx.display.file(id);
  let final: JobBody | undefined;
  try {
    for await (const event of jobEvents(ctx.client, id, ctx.signal)) {
      if (event.type === 'progress') {
        progress.job(event.data);
        if (ctx.json) {
          process.stdout.write(
            `${JSON.stringify({ event: 'progress', id: event.id, data: event.data })}\n`,
          );
        }
      } else {
        final = event.job;
        progress.finished(final);
        if (ctx.json) {
          process.stdout.write(
            `${JSON.stringify({ event: final.status, id: event.id, data: final })}\n`,
          );
        }
      }
    }
  } finally {
    ctx.display.stop();
  }
  if (!ctx.json) process.stdout.write(`${final!.id} ${final!.status}\n`);
  return exitOf(final!);
}

export async function download(
  ctx: Context,
  id: string,
  flags: { errors?: boolean; out?: string },
): Promise<number> {
  const which = flags.errors ? 'errors' : 'result';
  const done = await downloadCsv(
    ctx.client,
    `${jobPath(id)}/${which}.csv`,
    flags.out ?? '.',
    `${id}.${which}.csv`,
    ctx.signal,
  );
  if (ctx.json) printJson({ jobId: id, kind: which, ...done });
  else if (done.file !== '-')
    process.stderr.write(`wrote ${done.file} (${formatCount(done.bytes)} bytes)\n`);
  return EXIT.ok;
}

export async function cancel(ctx: Context, id: string): Promise<number> {
  const job = await ctx.client.json(jobSchema, 'POST', `${jobPath(id)}/cancel`, {
    signal: ctx.signal,
  });
  if (ctx.json) printJson(job);
  else process.stdout.write(`${job.id} ${job.status}\n`);
  return EXIT.ok;
}

export async function retry(ctx: Context, id: string): Promise<number> {
  const job = await ctx.client.json(jobSchema, 'POST', `${jobPath(id)}/retry`, {
    signal: ctx.signal,
  });
  if (ctx.json) printJson(job);
  else process.stdout.write(`${job.id} ${job.status}\n`);
  return EXIT.ok;
}
