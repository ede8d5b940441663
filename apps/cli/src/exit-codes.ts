/**
 * What `sluice` exits with (documented in --help): scripts switch on these,
 * so each failure is classed once, where it is raised.
 */
export const EXIT = {
  /** Done: every job completed, every request answered. */
  ok: 0,
  /** A job failed or was cancelled, or the API refused the request (its problem is printed). */
  failed: 1,
  /** The command line is wrong (unknown command or option, a bad value). */
  usage: 2,
  /** The API cannot be reached, or refused the API key (401/403). */
  unreachable: 3,
  /** Interrupted (Ctrl-C): an upload in flight was aborted, and the API never accepts it. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    done (every job completed)
  1    a job failed or was cancelled, or the API refused the request (its detail and code are printed)
  2    usage error (unknown command or option, bad value)
  3    the API is unreachable, or the API key is missing, invalid or lacks the scope
  130  interrupted (Ctrl-C); an upload in flight is aborted and never becomes a job`;

/** A failure with the exit code it stands for; main prints `message` and exits. */
export class CliError extends Error {
  readonly exitCode: number;
  /** The problem's stable code when the API answered one (printed, and in --json errors). */
  readonly code: string | undefined;
  constructor(message: string, exitCode: number, code?: string) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, 'usage');
