import { connect } from 'node:net';

// Test-only helpers (not exported from the package).

/**
 * Sends one inline command to Redis over a raw socket and returns the raw RESP
 * reply. QUIT after it makes Redis close the connection, so "all of the reply"
 * is simply everything before QUIT's own +OK.
 */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error(`no reply to ${command}`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\r\nQUIT\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
    });
    socket.once('close', (hadError) => {
      if (!hadError) resolve(reply.replace(/\+OK\r\n$/, '').trimEnd());
    });
  });
}
