/**
 * The pgloader reference: the same raw CSV file loaded by pgloader (Debian
 * package `pgloader`, installed on first use through scripts/apt-install.sh)
 * into an unindexed all-text table on the same PostgreSQL server, timed as a
 * whole process. pgloader logs rejected rows and still exits 0, so the table
 * is counted and a short load fails the scenario.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type CopyFigures, countRows, createTextTable } from './psql.ts';
import { say } from './stack.ts';

const run = promisify(execFile);
const APT_INSTALL = fileURLToPath(new URL('../../../scripts/apt-install.sh', import.meta.url));

/** BENCH_PGLOADER, else `pgloader` on PATH, installed from Debian when missing. */
async function ensurePgloader(): Promise<string> {
  if (process.env.BENCH_PGLOADER) return process.env.BENCH_PGLOADER;
  const version = () => run('pgloader', ['--version']);
  try {
    await version();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    say('pgloader missing: installing the Debian package');
    await run('bash', [APT_INSTALL, 'pgloader'], { maxBuffer: 16 * 1024 * 1024 });
    await version();
  }
  return 'pgloader';
}

const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A pgloader command file: CSV with a header line, RFC 4180 quoting, UTF-8.
 * pgloader's default trims blanks around unquoted values (\copy keeps them);
 * `keep unquoted blanks` would keep them but fails on the file's CRLF line
 * ends after a quoted last field, so the default stays.
 */
function loadCommand(url: string, file: string, table: string, columns: readonly string[]) {
  const names = columns.join(', ');
  const target = new URL(url);
  target.protocol = 'postgresql:';
  target.searchParams.set('tablename', table);
  return `LOAD CSV
  FROM ${quoted(file)} WITH ENCODING utf-8 (${names})
  INTO ${target.href} (${names})
  WITH skip header = 1,
       fields optionally enclosed by '"',
       fields escaped by double-quote,
       fields terminated by ','
;
`;
}

/**
 * Creates `table` (all text, no index) and times `pgloader` loading `file`
 * into it; throws unless the table then holds `expectedRows` rows.
 */
export async function pgloaderLoad(
  url: string,
  file: string,
  table: string,
  columns: readonly string[],
  expectedRows: number,
  workDir: string,
): Promise<CopyFigures> {
  const pgloader = await ensurePgloader();
  await createTextTable(url, table, columns);
  const commands = join(workDir, `${table}.load`);
  writeFileSync(commands, loadCommand(url, file, table, columns));
  const logFile = join(workDir, `${table}.pgloader.log`);
  const started = performance.now();
  const { stdout, stderr } = await run(
    pgloader,
    ['--root-dir', workDir, '--logfile', logFile, commands],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = await countRows(url, table);
  if (rows !== expectedRows) {
    throw new Error(
      `pgloader loaded ${rows} of ${expectedRows} rows into ${table}; its output:\n${stdout.slice(-4000)}${stderr.slice(-4000)}`,
    );
  }
  return { rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
}
