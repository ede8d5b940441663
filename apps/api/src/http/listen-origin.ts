import type { Request } from 'express';

/**
 * The origin the client's connection reached: this server's own address and
 * port as the socket sees them (`http://127.0.0.1:8080`, `http://[::1]:8080`;
 * the interface's address when listening on all of them). Unlike the Host
 * header, which the client writes, it cannot name someone else's site, so it
 * is what links fall back to when PUBLIC_URL is not set.
 */
export function listenOrigin(req: Request): string {
  const socket = req.socket;
  let address = socket.localAddress ?? '127.0.0.1';
  // An IPv4 client on a dual-stack socket.
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice(7);
  const host = address.includes(':') ? `[${address}]` : address;
  // A socket already closed (the client half-closed after its request, and
  // the answer comes later) no longer knows its port; its server does.
  const port = socket.localPort ?? listeningPort(socket);
  return port === undefined ? `http://${host}` : `http://${host}:${port}`;
}

function listeningPort(socket: Request['socket']): number | undefined {
  const address = (socket as { server?: { address(): unknown } }).server?.address();
  return typeof address === 'object' && address !== null
    ? (address as { port?: number }).port
    : undefined;
}

/** Base URL of the links the API returns: PUBLIC_URL, else the listen origin. */
export function linkBase(publicUrl: string | undefined): (req: Request) => string {
  return (req) => publicUrl ?? listenOrigin(req);
}
