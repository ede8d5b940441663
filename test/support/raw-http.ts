import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { authHeader } from './api-keys.ts';
import { recordRawResponse } from './response-contract.ts';

export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * A client that behaves like many simple ones (scripts, some SDKs): it writes
 * the WHOLE request (head and body, with backpressure) before it reads a byte
 * of the answer. A server that answers early and closes the connection while
 * such a client is still writing makes it fail with EPIPE/ECONNRESET instead
 * of ever seeing the answer; fetch and curl read while sending and hide that.
 *
 * `body` is written as given: with `content-length` in `headers` it is sent
 * as-is, otherwise it is sent chunked.
 */
export class WriteFirstClient {
  private readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, data]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
    // Reading is on from the start, so nothing the server sends is lost; the
    // client only LOOKS at it after writing everything (as the clients above).
    socket.resume();
  }

  static async connect(url: string): Promise<WriteFirstClient> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new WriteFirstClient(socket);
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  private async waitForMore(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('the server closed the connection before answering');
    await new Promise<void>((resolve) => {
      const waiter = () => {
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
    if (this.failure) throw this.failure;
  }

  private async write(piece: Uint8Array | string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.socket.write(piece)) return;
    await Promise.race([
      once(this.socket, 'drain'),
      new Promise<void>((_, reject) => this.socket.once('error', reject)),
    ]);
  }

  /** Writes one request completely, then reads and returns its response. */
  async request(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
  ): Promise<RawResponse> {
    const { pathname, search, host } = new URL(url);
    const chunked = !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
    const head = [
      `${method} ${pathname}${search} HTTP/1.1`,
      `host: ${host}`,
      ...Object.entries({ ...authHeader(url), ...headers }).map(
        ([name, value]) => `${name}: ${value}`,
      ),
      ...(chunked ? ['transfer-encoding: chunked'] : []),
    ];
    await this.write(`${head.join('\r\n')}\r\n\r\n`);
    for await (const piece of body) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
      if (bytes.byteLength === 0) continue;
      if (chunked) await this.write(`${bytes.byteLength.toString(16)}\r\n`);
      await this.write(bytes);
      if (chunked) await this.write('\r\n');
    }
    if (chunked) await this.write('0\r\n\r\n');
    const response = await this.readResponse();
    recordRawResponse(method, url, response);
    return response;
  }

  private async readResponse(): Promise<RawResponse> {
    let headEnd = this.buffered.indexOf('\r\n\r\n');
    while (headEnd === -1) {
      await this.waitForMore();
      headEnd = this.buffered.indexOf('\r\n\r\n');
    }
    const [statusLine, ...lines] = this.buffered
      .subarray(0, headEnd)
      .toString('latin1')
      .split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    const length = Number(headers['content-length'] ?? 0);
    while (this.buffered.length < headEnd + 4 + length) await this.waitForMore();
    const body = this.buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    this.buffered = this.buffered.subarray(headEnd + 4 + length);
    return { status, headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}
