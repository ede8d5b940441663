import { Command, Option } from 'commander';
import { ApiClient } from './api-client.ts';
import * as datasets from './commands/datasets.ts';
import * as jobs from './commands/jobs.ts';
import * as keys from './commands/keys.ts';
import { submit } from './commands/submit.ts';
import { configFilePath, DEFAULT_URL, resolveConfig } from './config.ts';
import type { Context } from './context.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { plainDisplay, silentDisplay, terminalDisplay } from './progress.ts';
import { OPTION_NAMES } from './submit-options.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

const CONFIG_HELP = `Configuration (flags win over the environment, which wins over the config file):
  --url, $SLUICE_URL, "url"          the API (default ${DEFAULT_URL})
  --api-key, $SLUICE_API_KEY, "apiKey"  the API key (Bearer)
  config file: ${configFilePath()} ($SLUICE_CONFIG to use another), JSON {"url": ..., "apiKey": ...}
  Against a loopback URL with no key given, the key \`./dev start\` made (.sluice/api-key) is used.

Progress goes to stderr: bars on a terminal, plain lines otherwise (--quiet: none).
Results go to stdout: text for people, or with --json the API's JSON (the shapes of @sluice/contract).`;

/**
 * The `sluice` command line (commander). Each action returns its exit code;
 * main.ts runs it, and maps failures (CliError) to theirs.
 */
export function buildProgram(signal: AbortSignal, setExit: (code: number) => void): Command {
  const program = new Command('sluice')
    .description(
      'Submit CSV files to Sluice, follow their jobs, fetch results; manage datasets and API keys.',
    )
    .version('0.0.0')
    .option(
      '--url <url>',
      'the Sluice API (default: $SLUICE_URL, the config file, else the local one)',
    )
    .option(
      '--api-key <key>',
      'API key (default: $SLUICE_API_KEY, the config file, .sluice/api-key)',
    )
    .option('--json', "print JSON (the API's shapes) on stdout")
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${CONFIG_HELP}`)
    .showHelpAfterError('(sluice --help for usage)')
    .exitOverride();

  const context = (command: Command): Context => {
    const flags = command.optsWithGlobals<{
      url?: string;
      apiKey?: string;
      json?: boolean;
      quiet?: boolean;
    }>();
    return {
      client: new ApiClient(resolveConfig({ url: flags.url, apiKey: flags.apiKey })),
      json: Boolean(flags.json),
      signal,
      display: flags.quiet
        ? silentDisplay
        : process.stderr.isTTY
          ? terminalDisplay(process.stderr)
          : plainDisplay(process.stderr),
    };
  };
  /** An action: runs with the context and records its exit code. */
  const run =
    <A extends unknown[]>(action: (ctx: Context, ...args: A) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const actionArgs = args.slice(0, -1) as A;
      setExit(await action(context(command), ...actionArgs));
    };

  program
    .command('submit')
    .description(
      'upload CSV files (in parallel), each as a job; --wait follows them and downloads results',
    )
    .argument('<file...>', 'CSV files')
    .option('--dataset <name>', 'import into this dataset (an import job) instead of normalizing')
    .option(
      '--column <spec>',
      "a column's type/required/rename/split, or drop to leave it out: 'Mobile=phone', 'DOB=date,required', 'E-Mail=email,rename=email', 'Name=name,split', 'Notes=drop' (repeatable)",
      collect,
      [],
    )
    .option(
      '--option <name=value>',
      `a job option, repeatable: ${OPTION_NAMES.join(', ')}`,
      collect,
      [],
    )
    .option(
      '--wait',
      'follow each job to its end and download <file>.result.csv and <file>.errors.csv',
    )
    .option('--out <dir>', 'where --wait writes the files (default: the current directory)')
    .addHelpText(
      'after',
      '\nExit: 0 when every job was accepted (with --wait: completed), 1 when one failed or was refused.\nCtrl-C during the upload aborts it: the API never accepts a job whose file did not arrive whole.',
    )
    .action(
      run((ctx, files: string[], flags) =>
        submit(ctx, files, flags as Parameters<typeof submit>[2]),
      ),
    );

  program
    .command('jobs')
    .description('list jobs, newest first')
    .addOption(new Option('--status <status>', 'only jobs in this status'))
    .option('--type <type>', 'normalize or import')
    .option('--dataset <name>', 'import jobs into this dataset')
    .option('--limit <n>', 'how many (default 50)')
    .option('--offset <n>', 'how many to skip')
    .action(run((ctx, flags) => jobs.listJobs(ctx, flags as Parameters<typeof jobs.listJobs>[1])));

  program
    .command('status')
    .description("a job's status, progress and counts (exit 1 when it failed or was cancelled)")
    .argument('<id>', 'job id')
    .action(run((ctx, id: string) => jobs.status(ctx, id)));

  program
    .command('watch')
    .description("follow a job's progress to its end (exit 1 when it failed or was cancelled)")
    .argument('<id>', 'job id')
    .action(run((ctx, id: string) => jobs.watch(ctx, id)));

  program
    .command('download')
    .description("download a completed job's result.csv (or with --errors its errors.csv)")
    .argument('<id>', 'job id')
    .option('--errors', 'the error report instead of the result')
    .option(
      '-o, --out <path>',
      "a file, a directory (the API's file name), or - for stdout (default: .)",
    )
    .action(
      run((ctx, id: string, flags) =>
        jobs.download(ctx, id, flags as Parameters<typeof jobs.download>[2]),
      ),
    );

  program
    .command('cancel')
    .description('cancel a queued or running job')
    .argument('<id>', 'job id')
    .action(run((ctx, id: string) => jobs.cancel(ctx, id)));

  program
    .command('retry')
    .description('run a failed or cancelled job again')
    .argument('<id>', 'job id')
    .action(run((ctx, id: string) => jobs.retry(ctx, id)));

  const ds = program
    .command('datasets')
    .description('datasets: typed tables import jobs upsert into');
  ds.command('create')
    .description('declare a dataset')
    .argument('<name>', 'dataset name (lower-case letters, digits, _)')
    .option('--column <name:type[:required]>', 'a column (repeatable)', collect, [])
    .option('--key <columns>', 'the unique key, comma-separated')
    .option('--from <file>', 'the declaration as JSON ({"columns": [...], "key": [...]}) instead')
    .action(
      run((ctx, name: string, flags) =>
        datasets.createDataset(ctx, name, flags as Parameters<typeof datasets.createDataset>[2]),
      ),
    );
  ds.command('list')
    .description('list datasets')
    .option('--limit <n>', 'how many')
    .option('--offset <n>', 'how many to skip')
    .action(
      run((ctx, flags) =>
        datasets.listDatasets(ctx, flags as Parameters<typeof datasets.listDatasets>[1]),
      ),
    );
  ds.command('rows')
    .description("a page of a dataset's rows, in key order")
    .argument('<name>', 'dataset name')
    .option('--limit <n>', 'how many (default 50)')
    .option('--offset <n>', 'how many to skip')
    .action(
      run((ctx, name: string, flags) =>
        datasets.datasetRows(ctx, name, flags as Parameters<typeof datasets.datasetRows>[2]),
      ),
    );
  ds.command('export')
    .description('every row as CSV')
    .argument('<name>', 'dataset name')
    .option('-o, --out <path>', 'a file, a directory, or - for stdout (default: .)')
    .action(
      run((ctx, name: string, flags) =>
        datasets.exportDataset(ctx, name, flags as Parameters<typeof datasets.exportDataset>[2]),
      ),
    );

  const ks = program
    .command('keys')
    .description("this tenant's API keys (needs a key with scope admin)");
  ks.command('create')
    .description('issue a key (its secret is printed once)')
    .requiredOption(
      '--scopes <scopes>',
      'comma-separated: jobs:read, jobs:write, datasets:read, datasets:write, admin',
    )
    .option('--name <name>', 'what it is for')
    .option('--expires <iso-date>', 'when it stops working')
    .action(
      run((ctx, flags) => keys.createKey(ctx, flags as Parameters<typeof keys.createKey>[1])),
    );
  ks.command('list')
    .description('list keys (never their secrets)')
    .action(run((ctx) => keys.listKeys(ctx)));
  ks.command('revoke')
    .description('revoke a key')
    .argument('<id>', 'key id (16 hex digits)')
    .action(run((ctx, id: string) => keys.revokeKey(ctx, id)));

  for (const command of [program, ...program.commands, ...ds.commands, ...ks.commands]) {
    command.exitOverride();
  }
  return program;
}
