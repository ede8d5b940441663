import type { RequestHandler } from 'express';
import { HttpProblem, sendProblem } from './problem.ts';

/**
 * Caps uploads in progress, overall and per client address, so that one
 * client (or a crowd) cannot occupy every socket and worker of the API with
 * uploads; beyond a cap the request gets 429 too_many_uploads at once. A
 * slot is taken when the request arrives and given back when its response
 * is done or its connection closes. The client is the socket's address
 * (behind a proxy, the proxy's: set the caps for it).
 */
export function createUploadSlots(limits: { max: number; maxPerClient: number }): RequestHandler {
  let inUse = 0;
  const perClient = new Map<string, number>();
  return (req, res, next) => {
    const client = req.socket.remoteAddress ?? 'unknown';
    const mine = perClient.get(client) ?? 0;
    const limit =
      mine >= limits.maxPerClient
        ? { scope: 'client', value: limits.maxPerClient }
        : inUse >= limits.max
          ? { scope: 'server', value: limits.max }
          : undefined;
    if (limit) {
      sendProblem(
        req,
        res,
        new HttpProblem(
          'too_many_uploads',
          limit.scope === 'client'
            ? `This client already has ${limit.value} uploads in progress; wait for one to finish.`
            : `The server has ${limit.value} uploads in progress; try again shortly.`,
          { headers: { 'retry-after': '5' }, extra: { limit: limit.value, scope: limit.scope } },
        ),
      );
      return;
    }
    inUse += 1;
    perClient.set(client, mine + 1);
    res.once('close', () => {
      inUse -= 1;
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    });
    next();
  };
}
