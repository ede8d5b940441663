// The `sluice` CLI on a terminal (a pseudo-terminal by tmux): what a person
// sees while a file uploads and its job runs, and Ctrl-C during an upload.
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { jobListSchema } from '@sluice/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN, cliEnv } from '../support/cli.ts';
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { shellQuote, TmuxSession } from '../support/tmux.ts';

let stack: Stack;
let dir: string;
let session: TmuxSession | undefined;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-cli-terminal}',
    // Many chunks, so the job's progress has steps to show.
    env: { CHUNK_BYTES: '256KB' },
  });
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-tty-'));
});

afterEach(async () => {
  await session?.kill();
  session = undefined;
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function contactsFile(name: string, bytes: number): Promise<string> {
  const file = join(dir, name);
  await pipeline(Readable.from(generateContactsCsvOfSize(bytes, 3)), createWriteStream(file));
  return file;
}

/** `sluice ARGS` as a shell command line with the stack's URL and key. */
function sluiceCommand(args: string[]): string {
  const env = cliEnv(stack.apiUrl, stack.apiKey, join(dir, 'no-config.json'));
  delete env.NO_COLOR;
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return [
    'env',
    ...assignments,
    shellQuote(process.execPath),
    shellQuote(CLI_MAIN),
    ...args.map(shellQuote),
  ].join(' ');
}

const exitOf = (screen: string) => /EXIT=(\d+)/.exec(screen)?.[1];

describe('sluice on a terminal', () => {
  it('draws an upload bar, then the job in chunks with rows/s and ETA, then the outcome', async () => {
    const file = await contactsFile('terminal.csv', 12 * 1024 * 1024);
    const out = mkdtempSync(join(dir, 'out-'));
    session = await TmuxSession.start(
      'progress',
      sluiceCommand(['submit', file, '--wait', '--out', out]),
    );
    const screens = await session.watch((s) => exitOf(s) !== undefined, 180_000);
    const last = screens.at(-1)!;
    expect(exitOf(last), last).toBe('0');
    // The bar itself (cli-progress, shades_classic: █ done, ░ to do) with a percentage.
    const bar = /terminal\.csv (uploading|processing|completed)\s+[█░]{30} +\d{1,3}%/;
    expect(
      screens.some((s) => bar.test(s)),
      screens.join('\n---\n'),
    ).toBe(true);
    // While the job ran: its chunks, and once measured, rows/s and the time left.
    expect(
      screens.some((s) => /processing .*chunks \d+\/\d+/.test(s)),
      screens.join('\n---\n'),
    ).toBe(true);
    expect(
      screens.some((s) => /chunks \d+\/\d+ · [\d,]+ rows\/s · ETA \d+/.test(s)),
      screens.join('\n---\n'),
    ).toBe(true);
    // Redrawn in place: the final screen shows the bar once, full, with the outcome.
    expect(last).toMatch(/terminal\.csv completed\s+█{30} 100% [\d,]+ rows accepted/);
    expect(last.match(/terminal\.csv /g)).toHaveLength(2); // the bar, and the table's FILE column
    expect(readdirSync(out).sort()).toEqual(['terminal.errors.csv', 'terminal.result.csv']);
  });

  it('Ctrl-C during the upload aborts it: exit 130, and no job was accepted', async () => {
    const file = await contactsFile('interrupted.csv', 200 * 1024 * 1024);
    session = await TmuxSession.start('interrupt', sluiceCommand(['submit', file, '--wait']));
    // Mid-upload: the bar is drawn and neither empty nor full.
    await session.watch(
      (s) => /interrupted\.csv uploading\s+█+░+ +([1-9]|[1-9]\d)%/.test(s),
      120_000,
    );
    await session.sendKeys('C-c');
    const last = (await session.watch((s) => exitOf(s) !== undefined, 30_000)).at(-1)!;
    expect(exitOf(last), last).toBe('130');
    expect(last).toMatch(/upload aborted; no job was created/);
    // The API never accepted it: not among the tenant's jobs (an unaccepted
    // upload is never listed, and its rows are removed).
    const res = await fetch(`${stack.apiUrl}/v1/jobs?limit=1000`);
    const jobs = jobListSchema.parse(await res.json());
    expect(jobs.filter((j) => j.fileName === 'interrupted.csv')).toEqual([]);
    expect(statSync(file).size).toBeGreaterThan(190 * 1024 * 1024);
  });
});
