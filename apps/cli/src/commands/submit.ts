import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { JobBody } from '@sluice/contract';
import type { Context } from '../context.ts';
import { downloadCsv } from '../download.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import { jobEvents } from '../job-events.ts';
import { printJson, printTable } from '../output.ts';
import { jobQuery } from '../submit-options.ts';
import { uploadFile } from '../upload.ts';

export interface SubmitFlags {
  dataset?: string;
  column: string[];
  option: string[];
  wait?: boolean;
  out?: string;
}

/** One file's outcome, as `submit --json` prints it (job: the contract's Job). */
interface Submitted {
  file: string;
  job?: JobBody;
  resultFile?: string;
  errorsFile?: string;
  error?: { code: string | undefined; message: string };
}

/** `<file>` without its .csv extension: the stem of `<stem>.result.csv`. */
const stemOf = (file: string) => basename(file).replace(/\.csv$/i, '');

/**
 * sluice submit FILE...: every file uploaded at once (each its own job),
 * with --wait followed to its end and its result and error report
 * downloaded into --out. Exit: the worst of the files' outcomes.
 */
export async function submit(ctx: Context, files: string[], flags: SubmitFlags): Promise<number> {
  const sizes = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw usageError(`${file}: no such file`);
      return info.size;
    }),
  );
  const queries = files.map((file) =>
    jobQuery(basename(file), {
      dataset: flags.dataset,
      columns: flags.column,
      options: flags.option,
    }),
  );
  const outDir = resolve(flags.out ?? '.');
  if (flags.wait) {
    const info = await stat(outDir).catch(() => undefined);
    if (!info?.isDirectory()) throw usageError(`--out ${outDir}: no such directory`);
    const stems = files.map(stemOf);
    const twice = stems.find((s, i) => stems.indexOf(s) !== i);
    if (twice) throw usageError(`two files would both write ${twice}.result.csv into ${outDir}`);
  } else if (flags.out !== undefined) {
    throw usageError('--out is where --wait puts the results: add --wait');
  }

  const outcomes = await Promise.all(
    files.map(async (file, i): Promise<{ submitted: Submitted; exit: number }> => {
      const progress = ctx.display.file(basename(file));
      const submitted: Submitted = { file };
      try {
        const job = await uploadFile(ctx.client, {
          file,
          query: queries[i]!,
          onBytes: (sent) => progress.uploading(sent, sizes[i]!),
          onWait: (ms, why) => progress.waiting(ms, why),
          signal: ctx.signal,
        });
        submitted.job = job;
        progress.accepted(job);
        if (!flags.wait) return { submitted, exit: EXIT.ok };
        let final: JobBody | undefined;
        for await (const event of jobEvents(ctx.client, job.id, ctx.signal)) {
          if (event.type === 'progress') progress.job(event.data);
          else final = event.job;
        }
        submitted.job = final!;
        const stem = stemOf(file);
        const jobPath = `/v1/jobs/${final!.id}`;
        if (final!.status === 'completed') {
          submitted.resultFile = (
            await downloadCsv(
              ctx.client,
              `${jobPath}/result.csv`,
              join(outDir, `${stem}.result.csv`),
              '',
              ctx.signal,
            )
          ).file;
        }
        // A job stopped for its error rate keeps the report that explains it.
        if (final!.status === 'completed' || final!.errorCode === 'error_rate_exceeded') {
          submitted.errorsFile = (
            await downloadCsv(
              ctx.client,
              `${jobPath}/errors.csv`,
              join(outDir, `${stem}.errors.csv`),
              '',
              ctx.signal,
            )
          ).file;
        }
        const written = [submitted.resultFile, submitted.errorsFile].filter(Boolean);
        progress.finished(final!, written.length > 0 ? `→ ${written.join(', ')}` : undefined);
        return { submitted, exit: final!.status === 'completed' ? EXIT.ok : EXIT.failed };
      } catch (error) {
        if (ctx.signal.aborted) {
          progress.stopped(
            submitted.job
              ? `interrupted: stopped watching; job ${submitted.job.id} goes on (sluice watch ${submitted.job.id})`
              : 'interrupted: upload aborted; no job was created',
          );
          submitted.error = { code: 'interrupted', message: 'interrupted' };
          return { submitted, exit: EXIT.interrupted };
        }
        if (!(error instanceof CliError)) throw error;
        progress.stopped(`${error.message}${error.code ? ` (${error.code})` : ''}`);
        submitted.error = { code: error.code, message: error.message };
        return { submitted, exit: error.exitCode };
      }
    }),
  );
  ctx.display.stop();
  const results = outcomes.map((o) => o.submitted);
  if (ctx.json) printJson(results);
  else {
    printTable(
      ['JOB', 'STATUS', 'FILE', 'OUTPUT'],
      results.map((r) => [
        r.job?.id ?? '-',
        r.error
          ? `error: ${r.error.message}${r.error.code ? ` (${r.error.code})` : ''}`
          : r.job!.status,
        r.file,
        [r.resultFile, r.errorsFile].filter(Boolean).join(' ') || '-',
      ]),
    );
  }
  // The worst outcome: interrupted > unreachable/auth > failed > ok.
  const order = [EXIT.ok, EXIT.failed, EXIT.usage, EXIT.unreachable, EXIT.interrupted] as number[];
  return outcomes.reduce(
    (worst, o) => (order.indexOf(o.exit) > order.indexOf(worst) ? o.exit : worst),
    EXIT.ok as number,
  );
}
