import { randomUUID } from 'node:crypto';
import type { Database } from '@sluice/db';
import {
  acceptJob,
  DEFAULT_TENANT_ID,
  finishUpload,
  insertChunk,
  insertJob,
  inTransaction,
} from '@sluice/db';
import type { Kysely } from 'kysely';

/**
 * Stores and accepts a one-column normalize job ('name', text) with one
 * chunk of `lines`, as an upload of a plain comma-separated UTF-8 file would
 * (tests).
 */
export async function storeOneChunkJob(db: Kysely<Database>, lines: string[]): Promise<string> {
  const id = randomUUID();
  const columns = [{ name: 'name', type: 'text' as const, required: false }];
  const data = Buffer.from(lines.map((line) => `${line}\n`).join(''));
  await inTransaction(db, async (trx) => {
    await insertJob(trx, {
      id,
      tenantId: DEFAULT_TENANT_ID,
      type: 'normalize',
      fileName: 'x.csv',
      header: Buffer.from('name'),
      columns,
      options: {
        phoneRegion: 'US',
        timeZone: 'UTC',
        dialect: {
          encoding: 'utf-8',
          encodingSource: 'request',
          delimiter: ',',
          delimiterSource: 'request',
          delimiterConfidence: 1,
        },
      },
    });
    await insertChunk(trx, id, { seq: 0, firstRecord: 2, recordCount: lines.length, data });
    await finishUpload(trx, id, {
      bytes: 5 + data.byteLength,
      chunks: 1,
      rows: lines.length,
      columns,
    });
  });
  if (!(await acceptJob(db, id))) throw new Error(`job ${id} could not be accepted`);
  return id;
}
