/**
 * The ingest benchmark's reference: a bare node:http server whose POST
 * stores the body in PostgreSQL as it arrives, in pieces of CHUNK_BYTES
 * (one lz4-compressed bytea row each, one autocommit INSERT each), and answers 202 once the
 * last piece is stored: the least an ingest path that keeps uploads in
 * PostgreSQL must do (receive, copy into chunks, store durably). With
 * `?store=0` it only reads the body (the transport alone). Runs as its own
 * process (PORT, DATABASE_URL, CHUNK_BYTES) like the API it is compared with.
 */
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
pool.on('error', () => {});
const chunkBytes = Number(process.env.CHUNK_BYTES ?? 1024 ** 2);
// Compressed as Sluice stores chunks (migration 0014: lz4), so that the
// ratio compares the work on the way, not the storage setting.
await pool.query('create table if not exists bench_ingest (seq int, data bytea compression lz4)');

const server = createServer(async (req, res) => {
  if (req.method !== 'POST') {
    res.end('ok');
    return;
  }
  const store = !req.url?.includes('store=0');
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    const flush = async () => {
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (store) await pool.query('insert into bench_ingest values ($1, $2)', [seq++, data]);
    };
    for await (const piece of req as AsyncIterable<Buffer>) {
      pending.push(piece);
      pendingBytes += piece.byteLength;
      if (pendingBytes >= chunkBytes) await flush();
    }
    if (pendingBytes > 0) await flush();
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"id":"sink"}');
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('bare ingest server ready');
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
});
