import type { JobBody } from '@sluice/contract';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { createColors } from 'picocolors';
import { formatBytes, formatCount, formatDuration, JobRate } from './format.ts';
import type { ProgressEvent } from './job-events.ts';

/** What one file's submission reports as it goes: its upload, then its job. */
interface FileProgress {
  uploading(sent: number, total: number): void;
  /** The API asked to wait before the upload is tried again (429, 503). */
  waiting(ms: number, why: string): void;
  accepted(job: JobBody): void;
  job(event: ProgressEvent): void;
  finished(job: JobBody, note?: string): void;
  /** The file's submission ended without a final job: refused, unreachable, interrupted. */
  stopped(message: string): void;
}

export interface ProgressDisplay {
  file(label: string): FileProgress;
  /** Leaves the terminal tidy (bars stopped, cursor back). */
  stop(): void;
}

const colors = createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);

function jobDetail(event: ProgressEvent, rate: JobRate): string {
  const { rowsPerSecond, etaMs } = rate.update(
    Date.now(),
    event.counts.rowsProcessed,
    event.chunksDone,
    event.chunksTotal,
  );
  return [
    `chunks ${event.chunksDone}/${event.chunksTotal}`,
    rowsPerSecond === undefined ? undefined : `${formatCount(Math.round(rowsPerSecond))} rows/s`,
    etaMs === undefined ? undefined : `ETA ${formatDuration(etaMs)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What became of a job, for people: its counts, or why it failed. */
function outcomeDetail(job: JobBody): string {
  if (job.status === 'failed')
    return `${job.error ?? ''}${job.errorCode ? ` (${job.errorCode})` : ''}`;
  return `${formatCount(job.counts.rowsAccepted)} rows accepted, ${formatCount(job.counts.rowsRejected)} rejected`;
}

function outcome(job: JobBody): string {
  const paint =
    job.status === 'completed'
      ? colors.green
      : job.status === 'failed'
        ? colors.red
        : colors.yellow;
  return `${paint(job.status)}: ${outcomeDetail(job)}`;
}

/**
 * On a terminal: one progress bar per file (cli-progress), redrawn in
 * place: the upload in bytes, then the job in chunks with rows/s and ETA.
 */
export function terminalDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const multibar = new MultiBar(
    {
      stream,
      format: `{label} {phase} ${colors.cyan('{bar}')} {percentage}% {detail}`,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      barsize: 30,
      fps: 10,
      // Redraw even when the stream is not seen as a TTY by cli-progress' checks.
      noTTYOutput: false,
    },
    Presets.shades_classic,
  );
  return {
    file(label) {
      const bar: SingleBar = multibar.create(1, 0, { label, phase: 'uploading', detail: '' });
      const rate = new JobRate();
      return {
        uploading(sent, total) {
          bar.setTotal(Math.max(total, 1));
          bar.update(sent, { detail: `${formatBytes(sent)}/${formatBytes(total)}` });
        },
        waiting(ms, why) {
          bar.update(0, { phase: 'waiting', detail: `${why}; again in ${formatDuration(ms)}` });
        },
        accepted(job) {
          bar.setTotal(Math.max(job.progress.chunksTotal, 1));
          bar.update(job.progress.chunksDone, {
            phase: 'processing',
            detail: `job ${job.id} ${job.status}`,
          });
        },
        job(event) {
          bar.setTotal(Math.max(event.chunksTotal, 1));
          bar.update(event.chunksDone, { phase: 'processing', detail: jobDetail(event, rate) });
        },
        finished(job, note) {
          bar.setTotal(Math.max(job.progress.chunksTotal, 1));
          const paint = job.status === 'completed' ? colors.green : colors.red;
          bar.update(job.progress.chunksDone, {
            phase: paint(job.status),
            detail: `${outcomeDetail(job)}${note ? ` ${note}` : ''}`,
          });
        },
        stopped(message) {
          bar.update({ phase: colors.red('stopped'), detail: message });
        },
      };
    },
    stop: () => multibar.stop(),
  };
}

/**
 * Not a terminal (a log, CI): plain lines, no escape codes, at most one per
 * tenth of the upload and one per second of the job.
 */
export function plainDisplay(stream: NodeJS.WritableStream): ProgressDisplay {
  const say = (line: string) => stream.write(`${line}\n`);
  return {
    file(label) {
      let lastTenth = -1;
      let lastJobLine = 0;
      const rate = new JobRate();
      return {
        uploading(sent, total) {
          const tenth = total === 0 ? 10 : Math.floor((sent * 10) / total);
          if (tenth === lastTenth) return;
          lastTenth = tenth;
          say(`${label}: uploading ${tenth * 10}% (${formatBytes(sent)} of ${formatBytes(total)})`);
        },
        waiting(ms, why) {
          lastTenth = -1;
          say(`${label}: ${why}; sending again in ${formatDuration(ms)}`);
        },
        accepted(job) {
          say(`${label}: accepted as job ${job.id} (${job.progress.chunksTotal} chunks)`);
        },
        job(event) {
          const detail = jobDetail(event, rate);
          const now = Date.now();
          if (now - lastJobLine < 1000 && event.chunksDone < event.chunksTotal) return;
          lastJobLine = now;
          say(`${label}: processing ${event.percent}% (${detail})`);
        },
        finished(job, note) {
          say(`${label}: ${outcome(job)}${note ? ` ${note}` : ''}`);
        },
        stopped(message) {
          say(`${label}: ${message}`);
        },
      };
    },
    stop() {},
  };
}

/** --quiet: nothing. */
export const silentDisplay: ProgressDisplay = {
  file: () => ({
    uploading() {},
    waiting() {},
    accepted() {},
    job() {},
    finished() {},
    stopped() {},
  }),
  stop() {},
};
