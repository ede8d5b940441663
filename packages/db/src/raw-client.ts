import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { isTransientDatabaseError } from './postgres-errors.ts';

/**
 * Raw pooled clients, for what kysely cannot do (COPY, pg-copy-streams). A
 * checked-out client whose connection dies emits 'error'; unheard, that
 * would crash the process, so it is heard and marks the client broken: a
 * broken client is destroyed, never returned to the pool.
 */
function checkOut(client: pg.PoolClient) {
  const state: { broken?: Error } = {};
  const onError = (error: Error) => {
    state.broken ??= error;
  };
  client.on('error', onError);
  return {
    state,
    release(reason?: Error) {
      client.removeListener('error', onError);
      client.release(state.broken ?? reason);
    },
  };
}

/**
 * Runs `unit` (which begins and ends its own transaction) on a raw pooled
 * client. A failure rolls back (a transient one instead destroys the client:
 * its connection state is unknown).
 */
export async function withRawClient<T>(
  pool: pg.Pool,
  unit: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const held = checkOut(client);
  try {
    return await unit(client);
  } catch (error) {
    if (isTransientDatabaseError(error)) held.state.broken ??= error as Error;
    else await client.query('rollback').catch((e: Error) => (held.state.broken ??= e));
    throw error;
  } finally {
    held.release();
  }
}

/**
 * Streams a COPY ... TO STDOUT in one transaction: `begin` starts it (its
 * isolation level), `prepare` sets it up (SET LOCAL, checks) and returns the
 * COPY statement. The client is released when the reading stops (end,
 * error, or the consumer returning early), destroyed when its connection
 * broke or the COPY was left unfinished (the connection is then mid-COPY or
 * in an open transaction).
 */
export async function* copyOut(
  pool: pg.Pool,
  begin: string,
  prepare: (client: pg.PoolClient) => Promise<string>,
): AsyncGenerator<Buffer> {
  const client = await pool.connect();
  const held = checkOut(client);
  let finished = false;
  try {
    await client.query(begin);
    const stream = client.query(copyTo(await prepare(client)));
    for await (const chunk of stream) yield chunk as Buffer;
    await client.query('commit');
    finished = true;
  } catch (error) {
    if (isTransientDatabaseError(error)) held.state.broken ??= error as Error;
    throw error;
  } finally {
    held.release(finished ? undefined : new Error('COPY stopped early'));
  }
}

/**
 * Runs `statement` (a COPY ... FROM STDIN) on `client` with `data` as its
 * whole input. A refused row fails the COPY (and so the transaction, or the
 * savepoint the caller set) with PostgreSQL's error.
 */
export async function copyIn(
  client: pg.PoolClient,
  statement: string,
  data: Uint8Array,
): Promise<void> {
  await pipeline(Readable.from([data]), client.query(copyFrom(statement)));
}
