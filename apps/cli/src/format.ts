/** Numbers for people: sizes, rates, durations (pure). */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * Rate and time left of a job from its progress events: measured from the
 * first event this client saw (a job watched half-way starts its clock there).
 */
export class JobRate {
  private start: { at: number; rows: number; chunks: number } | undefined;

  update(
    now: number,
    rowsProcessed: number,
    chunksDone: number,
    chunksTotal: number,
  ): {
    rowsPerSecond: number | undefined;
    etaMs: number | undefined;
  } {
    if (!this.start) {
      this.start = { at: now, rows: rowsProcessed, chunks: chunksDone };
      return { rowsPerSecond: undefined, etaMs: undefined };
    }
    const elapsed = now - this.start.at;
    const chunks = chunksDone - this.start.chunks;
    if (elapsed <= 0 || chunks <= 0) return { rowsPerSecond: undefined, etaMs: undefined };
    return {
      rowsPerSecond: ((rowsProcessed - this.start.rows) * 1000) / elapsed,
      etaMs: ((chunksTotal - chunksDone) * elapsed) / chunks,
    };
  }
}
