/** A moment of a running job: when it was seen, rows processed and chunks done. */
export interface ProgressSample {
  at: number;
  rows: number;
  chunks: number;
}

/**
 * Rows per second and time left, measured from the first progress event this
 * page saw (a job opened half-way starts its clock there); undefined until
 * a chunk has finished since then. Time left goes by chunks: they are equal
 * in size, rows are not known in advance.
 */
export function jobRate(
  first: ProgressSample,
  latest: ProgressSample,
  chunksTotal: number,
): { rowsPerSecond: number | undefined; etaMs: number | undefined } {
  const elapsed = latest.at - first.at;
  const chunks = latest.chunks - first.chunks;
  if (elapsed <= 0 || chunks <= 0) return { rowsPerSecond: undefined, etaMs: undefined };
  return {
    rowsPerSecond: ((latest.rows - first.rows) * 1000) / elapsed,
    etaMs: (Math.max(0, chunksTotal - latest.chunks) * elapsed) / chunks,
  };
}

/** 42s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
