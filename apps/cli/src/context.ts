import type { ApiClient } from './api-client.ts';
import type { ProgressDisplay } from './progress.ts';

/** What every command runs with: resolved from the global flags by program.ts. */
export interface Context {
  client: ApiClient;
  /** --json: stdout holds one JSON document (or, for watch, one JSON event per line). */
  json: boolean;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  /** Progress on stderr: bars on a terminal, plain lines otherwise, nothing with --quiet. */
  display: ProgressDisplay;
}
