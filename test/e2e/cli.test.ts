// The `sluice` CLI (apps/cli) as a user runs it: a separate process against a
// real stack, judged by its exit code, its files and its stdout.
import {
  copyFileSync,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  apiKeyListSchema,
  datasetListSchema,
  datasetRowsSchema,
  datasetSchema,
  issuedApiKeySchema,
  jobListSchema,
  jobSchema,
} from '@sluice/contract';
import { parseRecords } from '@sluice/csv';
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { issueTestKey } from '../support/api-keys.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

/** The start of every terminal escape sequence. */
const ESC = String.fromCharCode(27);
const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);
const EXPECTED = new URL('../fixtures/contacts-sample.expected.csv', import.meta.url);

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

/** A `progress` event's data: the job's status, progress and counts. */
const progressEvent = jobSchema.shape.progress.extend({
  status: jobSchema.shape.status,
  counts: jobSchema.shape.counts,
});

/** What `submit --json` prints: one entry per file. */
const submitted = z.array(
  z.object({
    file: z.string(),
    job: jobSchema.optional(),
    resultFile: z.string().optional(),
    errorsFile: z.string().optional(),
    error: z.object({ code: z.string().nullable().optional(), message: z.string() }).optional(),
  }),
);

let stack: Stack;
let dir: string;
let env: Record<string, string>;
const sluice = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { ...env, ...extraEnv }, { cwd: dir });

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-cli}',
    // A first chunk of 10 rows is judged for its error rate (the failing job below).
    env: { CHUNK_BYTES: '16KB', MAX_CONCURRENT_UPLOADS_PER_CLIENT: '1' },
    workerEnv: { ERROR_RATE_MIN_ROWS: '10', MAX_ERROR_RATE: '0.5', CHUNK_BYTES: '16KB' },
  });
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  env = cliEnv(stack.apiUrl, stack.apiKey, join(dir, 'no-config.json'));
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

/** The fixture README's comparison: `!error` = empty and reported; numbers by value. */
function expectLikeExpected(resultCsv: string, errorsCsv: string): void {
  const result = rows(resultCsv);
  const expected = rows(readFileSync(EXPECTED, 'utf8'));
  const reported = new Set(
    rows(errorsCsv)
      .slice(1)
      .map((e) => `${e[0]}:${e[1]}`),
  );
  expect(result[0]).toEqual(expected[0]);
  expect(result).toHaveLength(expected.length);
  const number = /^-?\d+(\.\d+)?$/;
  const mismatches: string[] = [];
  expected.slice(1).forEach((row, i) => {
    row.forEach((want, c) => {
      const got = result[i + 1]![c]!;
      const same =
        want === '!error'
          ? got === '' && reported.has(`${i + 2}:${expected[0]![c]}`)
          : got === want || (number.test(got) && number.test(want) && Number(got) === Number(want));
      if (!same)
        mismatches.push(`row ${i + 2} ${expected[0]![c]}: ${JSON.stringify(got)} != ${want}`);
    });
  });
  expect(mismatches).toEqual([]);
}

describe('sluice submit --wait', () => {
  it('writes <file>.result.csv equal to the expected output and <file>.errors.csv (exit 0)', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const run = await sluice(['submit', SAMPLE.pathname, '--wait', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'contacts-sample.errors.csv',
      'contacts-sample.result.csv',
    ]);
    expectLikeExpected(
      readFileSync(join(out, 'contacts-sample.result.csv'), 'utf8'),
      readFileSync(join(out, 'contacts-sample.errors.csv'), 'utf8'),
    );
    // Not a terminal: plain progress lines on stderr, no escape codes; the table on stdout.
    expect(run.stderr).toMatch(/contacts-sample\.csv: uploading 100%/);
    expect(run.stderr).toMatch(/contacts-sample\.csv: accepted as job [0-9a-f-]{36}/);
    expect(run.stderr).toMatch(/contacts-sample\.csv: completed: 8 rows accepted, 0 rejected/);
    expect(run.stderr + run.stdout).not.toContain(ESC);
    expect(run.stdout).toMatch(/^JOB\s+STATUS\s+FILE\s+OUTPUT\n[0-9a-f-]{36}\s+completed\s/);
  });

  it('submits several files in parallel, waiting out 429 too_many_uploads; --json prints each job in the contract shape', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    // Files big enough to be uploading at the same time: one upload slot
    // (MAX_CONCURRENT_UPLOADS_PER_CLIENT=1), so the others are told to wait.
    const files = await Promise.all(
      ['one', 'two', 'three'].map(async (name) => {
        const file = join(dir, `${name}.csv`);
        await pipeline(
          Readable.from(generateContactsCsvOfSize(1024 * 1024, 9)),
          createWriteStream(file),
        );
        return file;
      }),
    );
    const run = await sluice(['submit', ...files, '--wait', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/: .*\(too_many_uploads\); sending again in 5s/);
    const results = submitted.parse(JSON.parse(run.stdout));
    expect(results.map((r) => [r.file, r.job?.status])).toEqual(files.map((f) => [f, 'completed']));
    expect(new Set(results.map((r) => r.job!.id)).size).toBe(3);
    expect(results[1]!.resultFile).toBe(join(out, 'two.result.csv'));
    expect(readFileSync(join(out, 'two.result.csv'), 'utf8')).toBe(
      readFileSync(join(out, 'one.result.csv'), 'utf8'),
    );
    // The downloads equal the API's own files.
    for (const result of results) {
      const direct = await fetch(result.job!.links.result);
      expect(await direct.text()).toBe(readFileSync(result.resultFile!, 'utf8'));
    }
  });

  it("maps --column and --option onto the job's options", async () => {
    const run = await sluice([
      'submit',
      SAMPLE.pathname,
      '--column',
      'phone=text',
      '--column',
      'email=email,required,rename=mail',
      '--option',
      'phoneRegion=GB',
      '--option',
      'dateOrder=DMY',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [entry] = submitted.parse(JSON.parse(run.stdout));
    const job = entry!.job!;
    expect(job.options).toMatchObject({ phoneRegion: 'GB', dateOrder: 'DMY' });
    expect(job.fileName).toBe('contacts-sample.csv');
    const column = (name: string) => job.columns.find((c) => c.name === name);
    expect(column('phone')).toMatchObject({ type: 'text', source: 'request' });
    expect(column('email')).toMatchObject({ type: 'email', required: true, outputName: 'mail' });
  });

  it('exit 1: a job that fails (error rate), its report downloaded, the code printed', async () => {
    const bad = join(dir, 'wrong-file.csv');
    const lines = ['email'];
    for (let i = 0; i < 30; i++) lines.push(i % 5 === 0 ? `p${i}@example.com` : `nobody ${i}`);
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const out = mkdtempSync(join(dir, 'out-'));
    // email required: the rows without one are rejected, far over MAX_ERROR_RATE.
    const run = await sluice([
      'submit',
      bad,
      '--column',
      'email=email,required',
      '--wait',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(1);
    const [entry] = submitted.parse(JSON.parse(run.stdout));
    expect(entry!.job).toMatchObject({ status: 'failed', errorCode: 'error_rate_exceeded' });
    expect(entry!.resultFile).toBeUndefined();
    expect(readdirSync(out)).toEqual(['wrong-file.errors.csv']);
    expect(run.stderr).toMatch(/wrong-file\.csv: failed: .*\(error_rate_exceeded\)/);

    // status: exit 1 for a failed job; retry: the job runs again (the contract's Job).
    const status = await sluice(['status', entry!.job!.id]);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^status\s+failed$/m);
    const retried = await sluice(['retry', entry!.job!.id, '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(jobSchema.parse(JSON.parse(retried.stdout))).toMatchObject({
      id: entry!.job!.id,
      status: 'queued',
    });
    // watch follows it to its end: a retry keeps the judged chunk, so it
    // completes (exit 0); --json gives one event per line, the last the job.
    const watched = await sluice(['watch', entry!.job!.id, '--json']);
    expect(watched.code, watched.stderr).toBe(0);
    const events = watched.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const last = events.at(-1);
    expect(last.event).toBe('completed');
    expect(jobSchema.parse(last.data)).toMatchObject({ id: entry!.job!.id, status: 'completed' });
    for (const event of events.slice(0, -1)) {
      expect(event.event).toBe('progress');
      expect(progressEvent.parse(event.data).chunksTotal).toBe(1);
    }
  });
});

describe('exit codes', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['submit'], /missing required argument 'file'/],
    [['submit', 'x.csv', '--bogus'], /unknown option '--bogus'/],
    [['submit', 'missing.csv'], /missing\.csv: no such file/],
    [['submit', SAMPLE.pathname, '--column', 'Mobile'], /write HEADER=TYPE/],
    [
      ['submit', SAMPLE.pathname, '--column', 'Mobile=telephone'],
      /"telephone" is not a column type/,
    ],
    [['submit', SAMPLE.pathname, '--option', 'colour=red'], /NAME one of phoneRegion/],
    [['submit', SAMPLE.pathname, '--out', '.'], /add --wait/],
    [['datasets', 'create', 'x'], /--column NAME:TYPE/],
  ])('2: usage error %j', async (args, message) => {
    const run = await sluice(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('0: --help documents the exit codes', async () => {
    const run = await sluice(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Exit codes:\n\s+0\s+done[\s\S]+\n\s+1\s+a job failed[\s\S]+\n\s+2\s+usage[\s\S]+\n\s+3\s+the API is unreachable/,
    );
  });

  it('3: an unreachable API, after retrying', async () => {
    const port = await findFreePort();
    const run = await sluice(['jobs'], { SLUICE_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`cannot reach the Sluice API at http://127.0.0.1:${port}: ECONNREFUSED`),
    );
    const upload = await sluice(['submit', SAMPLE.pathname, '--json'], {
      SLUICE_URL: `http://127.0.0.1:${port}`,
    });
    expect(upload.code).toBe(3);
    expect(submitted.parse(JSON.parse(upload.stdout))[0]!.error?.code).toBe('unreachable');
  });

  it("3: a bad key, or one without the route's scope; the problem's detail and code printed", async () => {
    const bad = await sluice(['submit', SAMPLE.pathname], {
      SLUICE_API_KEY: 'slc_0000000000000000_nope',
    });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/\(invalid_api_key\)/);
    const { key } = await issueTestKey(inject('databaseUrl'), '{e2e-cli}', ['jobs:read']);
    const narrow = await sluice(['keys', 'list', '--json'], { SLUICE_API_KEY: key });
    expect(narrow.code).toBe(3);
    expect(JSON.parse(narrow.stderr)).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('1: the API refuses the request (its detail and code printed)', async () => {
    const run = await sluice(['status', '00000000-0000-4000-8000-000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^sluice: .*00000000-0000-4000-8000-000000000000.* \(job_not_found\)\n$/,
    );
  });
});

describe('./dev sluice', () => {
  it("runs the CLI in the caller's directory (relative file names are the caller's)", async () => {
    const work = mkdtempSync(join(dir, 'caller-'));
    copyFileSync(SAMPLE, join(work, 'relative.csv'));
    const run = await runCli(
      ['submit', 'relative.csv', '--wait', '--out', '.', '--json'],
      // Dependencies are installed already: skip the bootstrap's pnpm install.
      { ...env, SLUICE_SKIP_INSTALL: '1' },
      { cwd: work, viaDev: true },
    );
    expect(run.code, run.stderr).toBe(0);
    const [entry] = submitted.parse(JSON.parse(run.stdout));
    expect(entry!.job).toMatchObject({ fileName: 'relative.csv', status: 'completed' });
    expect(readdirSync(work).sort()).toEqual([
      'relative.csv',
      'relative.errors.csv',
      'relative.result.csv',
    ]);
  });
});

describe('configuration', () => {
  it('reads the config file; the environment wins over it and flags over both', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ url: stack.apiUrl, apiKey: stack.apiKey }));
    const fromFile = await runCli(['jobs', '--json'], { SLUICE_CONFIG: file }, { cwd: dir });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    jobListSchema.parse(JSON.parse(fromFile.stdout));
    const envWins = await runCli(
      ['jobs'],
      { SLUICE_CONFIG: file, SLUICE_API_KEY: 'slc_0000000000000000_x' },
      { cwd: dir },
    );
    expect(envWins.code).toBe(3);
    const flagWins = await runCli(
      ['jobs', '--api-key', stack.apiKey],
      { SLUICE_CONFIG: file, SLUICE_API_KEY: 'slc_0000000000000000_x' },
      { cwd: dir },
    );
    expect(flagWins.code, flagWins.stderr).toBe(0);
    writeFileSync(file, '{"url": 5}');
    const broken = await runCli(['jobs'], { SLUICE_CONFIG: file }, { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(file);
  });
});

describe('--json shapes of the other commands', () => {
  it('jobs, status, download', async () => {
    const run = await sluice(['submit', SAMPLE.pathname, '--wait', '--out', dir, '--json']);
    const job = submitted.parse(JSON.parse(run.stdout))[0]!.job!;
    const list = jobListSchema.parse(
      JSON.parse((await sluice(['jobs', '--json', '--limit', '5'])).stdout),
    );
    expect(list.map((j) => j.id)).toContain(job.id);
    const filtered = jobListSchema.parse(
      JSON.parse((await sluice(['jobs', '--json', '--status', 'failed'])).stdout),
    );
    expect(filtered.every((j) => j.status === 'failed')).toBe(true);
    const status = await sluice(['status', job.id, '--json']);
    expect(status.code).toBe(0);
    expect(jobSchema.parse(JSON.parse(status.stdout))).toMatchObject({
      id: job.id,
      status: 'completed',
    });

    const toStdout = await sluice(['download', job.id, '-o', '-']);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(await (await fetch(job.links.result)).text());
    const errorsDir = mkdtempSync(join(dir, 'dl-'));
    const errors = await sluice(['download', job.id, '--errors', '-o', errorsDir, '--json']);
    expect(errors.code, errors.stderr).toBe(0);
    const written = z
      .object({ jobId: z.string(), kind: z.literal('errors'), file: z.string(), bytes: z.number() })
      .parse(JSON.parse(errors.stdout));
    expect(written.file).toBe(join(errorsDir, 'contacts-sample.errors.csv'));
    expect(readFileSync(written.file, 'utf8')).toBe(await (await fetch(job.links.errors)).text());
    // A job that is already final cannot be cancelled: the API's refusal, exit 1.
    const cancel = await sluice(['cancel', job.id]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/\(job_already_final\)/);
  });

  it('datasets create, list, rows, export and an import through submit --dataset', async () => {
    const created = await sluice([
      'datasets',
      'create',
      'cli_contacts',
      '--column',
      'email:email:required',
      '--column',
      'name:name',
      '--column',
      'phone:phone',
      '--key',
      'email',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(datasetSchema.parse(JSON.parse(created.stdout))).toMatchObject({
      name: 'cli_contacts',
      key: ['email'],
    });
    const again = await sluice([
      'datasets',
      'create',
      'cli_contacts',
      '--column',
      'email:email',
      '--key',
      'email',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(dataset_exists\)/);

    const out = mkdtempSync(join(dir, 'import-'));
    const imported = await sluice([
      'submit',
      SAMPLE.pathname,
      '--dataset',
      'cli_contacts',
      '--wait',
      '--out',
      out,
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const job = submitted.parse(JSON.parse(imported.stdout))[0]!.job!;
    expect(job).toMatchObject({ type: 'import', dataset: 'cli_contacts', status: 'completed' });
    expect(job.import?.rowsInserted).toBe(7);

    const listed = datasetListSchema.parse(
      JSON.parse((await sluice(['datasets', 'list', '--json'])).stdout),
    );
    expect(listed.map((d) => d.name)).toContain('cli_contacts');
    const page = datasetRowsSchema.parse(
      JSON.parse(
        (await sluice(['datasets', 'rows', 'cli_contacts', '--limit', '3', '--json'])).stdout,
      ),
    );
    expect(page).toHaveLength(3);
    expect(Object.keys(page[0]!)).toEqual(expect.arrayContaining(['email', 'name', 'phone']));
    const exportFile = join(dir, 'export.csv');
    const exported = await sluice(['datasets', 'export', 'cli_contacts', '-o', exportFile]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = rows(readFileSync(exportFile, 'utf8'));
    expect(csv[0]).toEqual(['email', 'name', 'phone']);
    expect(csv).toHaveLength(8);
  });

  it('keys create, list, revoke', async () => {
    const created = await sluice([
      'keys',
      'create',
      '--scopes',
      'jobs:read',
      '--name',
      'cli-test',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const issued = issuedApiKeySchema.parse(JSON.parse(created.stdout));
    expect(issued).toMatchObject({ name: 'cli-test', scopes: ['jobs:read'] });
    // The new key works for what its scope allows.
    const reads = await sluice(['jobs', '--json'], { SLUICE_API_KEY: issued.key });
    expect(reads.code, reads.stderr).toBe(0);
    const revoked = await sluice(['keys', 'revoke', issued.id, '--json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ id: issued.id, revoked: true });
    const list = apiKeyListSchema.parse(
      JSON.parse((await sluice(['keys', 'list', '--json'])).stdout),
    );
    expect(list.find((k) => k.id === issued.id)?.revokedAt).not.toBeNull();
    const unknown = await sluice(['keys', 'revoke', 'ffffffffffffffff']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/\(api_key_not_found\)/);
  });
});
