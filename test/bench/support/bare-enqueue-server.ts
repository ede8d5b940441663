/**
 * The enqueue benchmark's reference: a bare express 5 app whose POST reads
 * the body and does one BullMQ queue.add. Runs as its own process (PORT,
 * REDIS_URL) so it does not share an event loop with the load generator.
 */
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const queue = new Queue('bench-enqueue', { connection });
const app = express();
app.post('/v1/jobs', express.text({ type: 'text/csv', limit: '1mb' }), async (req, res) => {
  const job = await queue.add('submission', { csv: req.body as string });
  res.status(202).json({ id: job.id, status: 'queued' });
});
app.get('/health', (_req, res) => {
  res.send('ok');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log('bare enqueue server ready');
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void queue.close().finally(() => {
    connection.disconnect();
    process.exit(0);
  });
});
