import { readFile } from 'node:fs/promises';
import {
  type DatasetDeclaration,
  datasetListSchema,
  datasetRowsSchema,
  datasetSchema,
} from '@sluice/contract';
import type { Context } from '../context.ts';
import { downloadCsv } from '../download.ts';
import { EXIT, usageError } from '../exit-codes.ts';
import { formatCount } from '../format.ts';
import { printJson, printTable } from '../output.ts';

const datasetPath = (name: string) => `/v1/datasets/${encodeURIComponent(name)}`;

/**
 * The declaration: a JSON file (--from), or --column NAME:TYPE[:required]
 * flags with --key. The API checks it (and says what is wrong).
 */
async function declaration(
  name: string,
  flags: { column: string[]; key?: string; from?: string },
): Promise<DatasetDeclaration> {
  if (flags.from !== undefined) {
    if (flags.column.length > 0 || flags.key !== undefined)
      throw usageError('give the declaration either as --from FILE or as --column and --key');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(flags.from, 'utf8'));
    } catch (error) {
      throw usageError(`--from ${flags.from}: ${(error as Error).message}`);
    }
    return { ...(parsed as DatasetDeclaration), name };
  }
  if (flags.column.length === 0 || flags.key === undefined)
    throw usageError(
      'a dataset needs --column NAME:TYPE[:required] (one or more) and --key COLUMN[,COLUMN]',
    );
  const columns = flags.column.map((text) => {
    const [column, type, required, ...rest] = text.split(':');
    if (!column || !type || rest.length > 0 || (required !== undefined && required !== 'required'))
      throw usageError(`--column ${JSON.stringify(text)}: write NAME:TYPE or NAME:TYPE:required`);
    return { name: column, type, ...(required ? { required: true } : {}) };
  });
  return { name, columns, key: flags.key.split(',') } as DatasetDeclaration;
}

export async function createDataset(
  ctx: Context,
  name: string,
  flags: { column: string[]; key?: string; from?: string },
): Promise<number> {
  const dataset = await ctx.client.json(datasetSchema, 'POST', '/v1/datasets', {
    json: await declaration(name, flags),
    signal: ctx.signal,
  });
  if (ctx.json) printJson(dataset);
  else process.stdout.write(`created dataset ${dataset.name} (key ${dataset.key.join(', ')})\n`);
  return EXIT.ok;
}

export async function listDatasets(ctx: Context, flags: { limit?: string; offset?: string }) {
  const datasets = await ctx.client.json(datasetListSchema, 'GET', '/v1/datasets', {
    query: flags,
    signal: ctx.signal,
  });
  if (ctx.json) printJson(datasets);
  else {
    printTable(
      ['NAME', 'KEY', 'COLUMNS', 'CREATED'],
      datasets.map((d) => [
        d.name,
        d.key.join(','),
        d.columns.map((c) => `${c.name}:${c.type}`).join(' '),
        d.createdAt,
      ]),
    );
  }
  return EXIT.ok;
}

export async function datasetRows(
  ctx: Context,
  name: string,
  flags: { limit?: string; offset?: string },
): Promise<number> {
  const rows = await ctx.client.json(datasetRowsSchema, 'GET', `${datasetPath(name)}/rows`, {
    query: flags,
    signal: ctx.signal,
  });
  if (ctx.json) printJson(rows);
  else {
    const header = rows[0] ? Object.keys(rows[0]) : [];
    printTable(
      header,
      rows.map((row) =>
        header.map((h) => (row[h] === null || row[h] === undefined ? null : String(row[h]))),
      ),
    );
    process.stderr.write(`${formatCount(rows.length)} rows\n`);
  }
  return EXIT.ok;
}

export async function exportDataset(ctx: Context, name: string, flags: { out?: string }) {
  const done = await downloadCsv(
    ctx.client,
    `${datasetPath(name)}/export.csv`,
    flags.out ?? '.',
    `${name}.csv`,
    ctx.signal,
  );
  if (ctx.json) printJson({ dataset: name, ...done });
  else if (done.file !== '-')
    process.stderr.write(`wrote ${done.file} (${formatCount(done.bytes)} bytes)\n`);
  return EXIT.ok;
}
