import { ConfigError } from '@sluice/config';

/**
 * Runs a process' config loader. Bad configuration is the operator's to fix:
 * every problem at once on stderr, exit code 2, no stack trace. Anything else
 * is a bug and is thrown.
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
