import { sqlTypeOf } from '@sluice/contract';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { type DatasetView, datasetTable, quoteIdentifier } from './datasets.ts';
import { isTransientDatabaseError } from './postgres-errors.ts';

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
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  let finished = false;
  try {
    // In a transaction, for SET LOCAL: a session setting would outlive this
    // export on the server connection (PgBouncer hands it to others).
    await client.query('begin');
    await client.query(`select set_config('statement_timeout', $1, true)`, [
      String(options.statementTimeoutMs),
    ]);
    const stream = client.query(
      copyTo(
        `copy (select ${select.join(', ')} from ${datasetTable(dataset.tableName)} t order by ${order}) to stdout (format csv)`,
      ),
    );
    for await (const chunk of stream) yield chunk as Buffer;
    await client.query('commit');
    finished = true;
  } catch (error) {
    if (isTransientDatabaseError(error)) broken ??= error as Error;
    throw error;
  } finally {
    client.removeListener('error', onError);
    // Stopped mid-COPY (the client went away) or failed: the connection is
    // in COPY state or an open transaction, so it cannot go back to the pool.
    client.release(broken ?? (finished ? undefined : new Error('dataset export stopped early')));
  }
}
