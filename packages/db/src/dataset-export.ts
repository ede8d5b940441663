import { sqlTypeOf } from '@sluice/contract';
import type pg from 'pg';
import { type DatasetView, datasetTable, quoteIdentifier } from './datasets.ts';
import { copyOut } from './raw-client.ts';

/**
 * A dataset's rows as CSV (no header line; the caller writes it), in key
 * order, straight from PostgreSQL's COPY: one query, streamed in the
 * server's chunks, memory flat whatever the size. Values are in their
 * canonical text form (numbers keep every digit), booleans true/false as in
 * Sluice's result files, NULL as an empty field. Text values were written
 * by imports from normalized, formula-neutralized output, and the column
 * names are identifiers, so nothing here can start a spreadsheet formula.
 *
 * A raw pooled client, because COPY needs one: released when the reading
 * stops (end, error, or the consumer returning early), destroyed when its
 * connection broke or a COPY was left unfinished.
 */
export async function* exportDatasetCsv(
  pool: pg.Pool,
  dataset: DatasetView,
  options: { statementTimeoutMs: number },
): AsyncGenerator<Buffer> {
  const select = dataset.columns.map((c) => {
    const column = quoteIdentifier(c.name);
    return sqlTypeOf(c.type) === 'boolean'
      ? `case when ${column} then 'true' when not ${column} then 'false' end`
      : `${column}::text`;
  });
  // Qualified: a bare name in ORDER BY would mean the output column (the
  // ::text cast), sorting 10 before 2.
  const order = dataset.key.map((k) => `t.${quoteIdentifier(k)}`).join(', ');
  // In a transaction, for SET LOCAL: a session setting would outlive this
  // export on the server connection (PgBouncer hands it to others).
  yield* copyOut(pool, 'begin', async (client) => {
    await client.query(`select set_config('statement_timeout', $1, true)`, [
      String(options.statementTimeoutMs),
    ]);
    return `copy (select ${select.join(', ')} from ${datasetTable(dataset.tableName)} t order by ${order}) to stdout (format csv)`;
  });
}
