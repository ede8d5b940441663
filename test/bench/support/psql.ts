/**
 * The `psql \copy` reference: the same raw CSV file copied client-side into
 * an unindexed all-text table on the same PostgreSQL server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBinDir } from '@sluice/local-services';

const run = promisify(execFile);

/**
 * BENCH_PSQL, else the psql next to the server binaries local-services uses,
 * else `psql` on PATH (another major version works for \copy).
 */
function findPsql(): string {
  if (process.env.BENCH_PSQL) return process.env.BENCH_PSQL;
  try {
    const beside = join(findPostgresBinDir(), 'psql');
    if (existsSync(beside)) return beside;
  } catch {
    // no server binaries found: fall back to PATH
  }
  return 'psql';
}

const psql = (url: string, command: string, flags: string[] = []) =>
  run(findPsql(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...flags, '-d', url, '-c', command], {
    maxBuffer: 1024 * 1024,
  });

export interface CopyFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Creates `table`: one text column per CSV column, no index, no key. */
export async function createTextTable(
  url: string,
  table: string,
  columns: readonly string[],
): Promise<void> {
  await psql(url, `create table ${table} (${columns.map((c) => `"${c}" text`).join(', ')})`);
}

/** select count(*) from `table`. */
export async function countRows(url: string, table: string): Promise<number> {
  const { stdout } = await psql(url, `select count(*) from ${table}`, ['-t', '-A']);
  return Number(stdout.trim());
}

/**
 * Creates `table` (createTextTable) and times
 * `psql -c "\copy table from file (csv, header)"` as a whole process.
 */
export async function psqlCopy(
  url: string,
  file: string,
  table: string,
  columns: readonly string[],
): Promise<CopyFigures> {
  await createTextTable(url, table, columns);
  const started = performance.now();
  await psql(
    url,
    `\\copy ${table} from '${file.replace(/'/g, "''")}' with (format csv, header true)`,
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = await countRows(url, table);
  return { rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
}
