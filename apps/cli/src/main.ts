#!/usr/bin/env node
// sluice: the command-line client of the Sluice API (`./dev sluice ...`, or
// installed from the workspace: apps/cli's package.json names the bin).
import { CommanderError } from 'commander';
import { CliError, EXIT } from './exit-codes.ts';
import { buildProgram } from './program.ts';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // The first Ctrl-C aborts what is in flight (uploads, streams) and lets
  // the command report; a second one leaves at once.
  if (interrupted) process.exit(EXIT.interrupted);
  interrupted = true;
  controller.abort(new CliError('interrupted', EXIT.interrupted, 'interrupted'));
});

const json = process.argv.includes('--json');
let exitCode: number = EXIT.ok;
try {
  await buildProgram(controller.signal, (code) => {
    exitCode = code;
  }).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; usage errors are printed already.
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const failure =
      error instanceof CliError
        ? error
        : controller.signal.aborted
          ? new CliError('interrupted', EXIT.interrupted, 'interrupted')
          : undefined;
    if (!failure) throw error;
    if (json) {
      process.stderr.write(
        `${JSON.stringify({ error: { code: failure.code ?? null, message: failure.message } })}\n`,
      );
    } else {
      process.stderr.write(
        `sluice: ${failure.message}${failure.code ? ` (${failure.code})` : ''}\n`,
      );
    }
    exitCode = failure.exitCode;
  }
}
process.exitCode = interrupted ? EXIT.interrupted : exitCode;
