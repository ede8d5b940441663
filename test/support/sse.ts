import { type IncomingHttpHeaders, request } from 'node:http';
import { authHeader } from './api-keys.ts';

/**
 * A small client of server-sent events (text/event-stream), written from the
 * WHATWG HTML spec's parsing rules rather than taken from the code under
 * test: lines end in CRLF, LF or CR; `field: value` (one optional space
 * after the colon); a line starting with `:` is a comment; a blank line
 * dispatches the event. Comments and `retry:` are kept as items too, so
 * tests can see heartbeats and the reconnection hint.
 */
export type SseItem =
  | { type: 'event'; id: string | undefined; event: string; data: string }
  | { type: 'comment'; text: string }
  | { type: 'retry'; ms: number };

class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private sawId = false;

  /** Feeds decoded text; returns the items it completed. */
  push(text: string): SseItem[] {
    this.buffer += text;
    const items: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone CR at the end may be the first half of a CRLF: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const item = this.line(line);
      if (item) items.push(item);
    }
    return items;
  }

  private line(line: string): SseItem | undefined {
    if (line === '') {
      if (this.data.length === 0 && !this.sawId) {
        this.event = '';
        return undefined;
      }
      const item: SseItem = {
        type: 'event',
        id: this.id,
        event: this.event || 'message',
        data: this.data.join('\n'),
      };
      this.data = [];
      this.event = '';
      this.sawId = false;
      return item;
    }
    if (line.startsWith(':')) return { type: 'comment', text: line.slice(1).trim() };
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
      this.sawId = true;
    } else if (field === 'retry' && /^\d+$/.test(value))
      return { type: 'retry', ms: Number(value) };
    return undefined;
  }
}

export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** The next item, or undefined once the server ended the stream. */
  next(): Promise<SseItem | undefined>;
  /** Items until the server ends the stream (comments and retry hints included). */
  rest(): Promise<SseItem[]>;
  /** The whole body of a response that is no event stream (a problem+json, say). */
  text(): Promise<string>;
  close(): void;
}

/** GET `url` as an event stream; resolves once the response's headers are in. */
export function openEvents(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: { ...authHeader(url), accept: 'text/event-stream', ...headers } },
      (res) => {
        res.setEncoding('utf8');
        const parser = new SseParser();
        const queue: SseItem[] = [];
        let raw = '';
        let ended = false;
        let failure: Error | undefined;
        let wake: (() => void) | undefined;
        res.on('data', (text: string) => {
          raw += text;
          queue.push(...parser.push(text));
          wake?.();
        });
        res.on('end', () => {
          ended = true;
          wake?.();
        });
        res.on('error', (err) => {
          failure = err;
          wake?.();
        });
        res.on('close', () => {
          ended = true;
          wake?.();
        });
        const next = async (): Promise<SseItem | undefined> => {
          for (;;) {
            if (queue.length > 0) return queue.shift();
            if (failure) throw failure;
            if (ended) return undefined;
            await new Promise<void>((r) => {
              wake = r;
            });
            wake = undefined;
          }
        };
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          next,
          async rest() {
            const items: SseItem[] = [];
            for (let item = await next(); item; item = await next()) items.push(item);
            return items;
          },
          async text() {
            while (!ended && !failure) {
              await new Promise<void>((r) => {
                wake = r;
              });
              wake = undefined;
            }
            return raw;
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
