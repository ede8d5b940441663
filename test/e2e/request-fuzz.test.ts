// Request fuzzing: a few hundred generated hostile requests against every
// route and method of a real API (with a real worker behind it): hostile
// option names and values (objects, arrays, numbers, huge strings, NUL, lone
// surrogates, prototype keys, unicode), hostile headers (Content-Type
// variants, Content-Length / Transfer-Encoding forms the HTTP parser accepts,
// Content-Encoding garbage, long headers, odd Accept), malformed and deeply
// nested JSON, bad ids in paths, repeated and bracketed query parameters.
// Whatever comes: never a 5xx, every 4xx is problem+json with a documented
// code, and both processes are still up, /health/ready answering 200.
//
// The PRNG is seeded: FUZZ_SEED=<n> reproduces a run (the seed is printed,
// and every failure names the request). FUZZ_COUNT sets how many requests.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authHeader } from '../support/api-keys.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { dropDataset } from '../support/dataset-tables.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const COUNT = Number(process.env.FUZZ_COUNT ?? 400);
/** No request may take longer (a hang is a finding too). */
const REQUEST_TIMEOUT_MS = 20_000;

/** mulberry32: small, fast, good enough to pick test cases; same seed, same run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The codes README.md's error table documents (problem-catalog.test.ts ties it to the catalog). */
function documentedCodes(): Set<string> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n');
  const intro = lines.findIndex((line) => line.startsWith('Errors are RFC 9457'));
  const codes = new Set<string>();
  for (let i = intro + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (codes.size > 0 && !line.startsWith('|')) break;
    const code = /^\|\s*\d{3}\s*\|\s*`([a-z_]+)`/.exec(line)?.[1];
    if (code) codes.add(code);
  }
  return codes;
}

// ---------------------------------------------------------------- generators

/**
 * Percent-encodes like encodeURIComponent, and a lone surrogate as the bytes
 * its code unit would have in UTF-8 (%ED%A0%80: invalid UTF-8), which is what
 * a careless client sends for one.
 */
function enc(text: string): string {
  let out = '';
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

interface FuzzRequest {
  method: string;
  /** Path and query, already encoded as they go on the request line. */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** How the body is framed: content-length (also with leading zeros), chunked (also with extensions), or none. */
  framing: 'length' | 'padded-length' | 'chunked' | 'chunked-ext' | 'none';
  /** What was generated, for failure messages. */
  about: string;
}

/** A JSON object written entry by entry, so it can hold own keys such as __proto__. */
class Obj {
  readonly entries: Array<[string, unknown]>;
  constructor(entries: Array<[string, unknown]>) {
    this.entries = entries;
  }
}

function toJson(value: unknown): string {
  if (value instanceof Obj) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'number' && !Number.isFinite(value)) return '1e999';
  // JSON.stringify escapes lone surrogates as \udXXX: exactly what a hostile client sends.
  return JSON.stringify(value) ?? 'null';
}

const OPTION_NAMES = [
  'phoneRegion',
  'dateOrder',
  'timeZone',
  'locale',
  'internationalEmail',
  'type',
  'dataset',
  'delimiter',
  'encoding',
  'columns',
  'filename',
  // POST /v1/previews
  'rows',
];
const PATHS = [
  '/v1/jobs',
  '/v1/jobs/{job}',
  '/v1/jobs/{job}/result.csv',
  '/v1/jobs/{job}/errors.csv',
  '/v1/jobs/{job}/errors',
  '/v1/jobs/{job}/errors/summary',
  '/v1/jobs/{job}/events',
  '/v1/normalize',
  '/v1/previews',
  '/v1/datasets',
  '/v1/datasets/{dataset}',
  '/v1/datasets/{dataset}/rows',
  '/v1/webhooks',
  '/v1/webhooks/{job}',
  '/v1/webhooks/{job}/rotate-secret',
  '/v1/webhooks/{job}/deliveries',
  '/v1/webhooks/{job}/deliveries/{job}',
  '/v1/webhooks/{job}/deliveries/{job}/redeliver',
  '/health',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/admin/queues',
  '/',
  '/nothing/here',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const CONTENT_TYPES = [
  'text/csv',
  'text/csv; charset=utf-8',
  'text/csv; charset=utf-16le',
  'text/plain',
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'application/problem+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'text/csv; boundary=fuzz',
  '*/*',
  'text/',
  ';;;',
  'TEXT/CSV',
  'x'.repeat(1500),
];
const CONTENT_ENCODINGS = [
  'gzip',
  'deflate',
  'br',
  'zstd',
  'identity',
  'x-garbage',
  'gzip, br',
  'GZIP',
  '',
];
const ACCEPTS = [
  '*/*',
  'application/json',
  'text/csv',
  'image/png',
  'application/problem+json;q=0',
  '',
  'x'.repeat(2000),
];

class Generator {
  readonly rand: () => number;
  jobId = '00000000-0000-4000-8000-000000000000';
  dataset = 'fuzz_people';

  constructor(seed: number) {
    this.rand = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.rand() * max);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Strings an attacker or a careless client sends. */
  text(): string {
    const plain = this.pick([
      'US',
      'DE',
      'UTC',
      'Europe/Berlin',
      'DMY',
      'en-US',
      'comma',
      'utf-8',
      'phone',
      'email',
      'fuzz_people',
      'name',
    ]);
    switch (this.int(16)) {
      case 0:
        return '';
      case 1:
        return `${plain}\u0000`;
      case 2:
        return `x\ud800y`;
      case 3:
        return '\udc00';
      case 4:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
      case 5:
        return 'a'.repeat(this.pick([300, 5000, 60_000]));
      case 6:
        return this.pick(['💥', 'José', 'ＵＳ', '\u202e', 'İ', '\ufeff', '\u0085', 'x\u2028y']);
      case 7:
        return this.pick([
          '../../etc/passwd',
          '%00',
          '%',
          '\\',
          '"',
          "'; drop table jobs; --",
          '=cmd|x!A1',
        ]);
      case 8:
        return this.pick(['-1', '0', '1e309', 'NaN', 'null', 'true', '[]', '{}']);
      case 9:
        return Array.from({ length: 1 + this.int(20) }, () =>
          String.fromCharCode(this.int(0x10000)),
        ).join('');
      default:
        return plain;
    }
  }

  /** Any JSON value, hostile by preference. */
  json(depth = 0): unknown {
    switch (this.int(depth > 3 ? 5 : 9)) {
      case 0:
        return this.int(3) === 0 ? null : this.chance(0.5);
      case 1:
        return this.pick([0, -1, 1.5, 1e308, Number.POSITIVE_INFINITY, 2 ** 53 + 1]);
      case 2:
      case 3:
      case 4:
        return this.text();
      case 5:
        return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
      case 6:
        return new Obj([[this.pick(['toString', 'valueOf', '__proto__']), this.json(depth + 1)]]);
      default:
        return new Obj(
          Array.from({ length: this.int(4) }, () => [
            this.chance(0.5) ? this.pick(OPTION_NAMES) : this.text(),
            this.json(depth + 1),
          ]),
        );
    }
  }

  /** A nesting the JSON parser accepts but nothing should walk into blindly. */
  deep(): string {
    const n = this.pick([100, 1000, 20_000]);
    return this.chance(0.5)
      ? `${'['.repeat(n)}${']'.repeat(n)}`
      : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  }

  optionValue(): unknown {
    return this.chance(0.5) ? this.text() : this.json();
  }

  /** A `columns` mapping, hostile in its names, types and renames. */
  columns(): string {
    if (this.chance(0.15)) return this.text();
    const names = ['name', 'email', 'phone', '__proto__', 'constructor', 'prototype', 'Name'];
    const entries: Array<[string, unknown]> = Array.from({ length: 1 + this.int(3) }, () => {
      const name = this.chance(0.7) ? this.pick(names) : this.text();
      const spec = this.chance(0.3)
        ? this.pick(['phone', 'email', 'text', 'nonsense', this.text()])
        : new Obj(
            [
              ['type', this.chance(0.6) ? this.pick(['phone', 'email', 'text']) : this.json()],
              [
                'rename',
                this.chance(0.6)
                  ? this.pick(['email', 'name', 'phone', 'out', 'NAME'])
                  : this.json(),
              ],
              ['required', this.chance(0.7) ? this.chance(0.5) : this.json()],
            ].filter(() => this.chance(0.7)) as Array<[string, unknown]>,
          );
      return [name, spec];
    });
    return toJson(new Obj(entries));
  }

  /** A query string: known and unknown names, repeated (a=1&a=2) and bracketed (a[b]=c). */
  query(names = OPTION_NAMES): string {
    const parts: string[] = [];
    for (let i = this.int(5); i > 0; i--) {
      const name = this.chance(0.8) ? this.pick(names) : this.text();
      let value: string;
      if (name === 'columns') value = this.columns();
      else {
        const v = this.optionValue();
        value = typeof v === 'string' ? v : toJson(v);
      }
      const key = this.chance(0.1) ? `${name}[${this.pick(['a', '', '0', '__proto__'])}]` : name;
      parts.push(`${enc(key)}=${enc(value)}`);
      if (this.chance(0.1)) parts.push(`${enc(key)}=${enc(this.text())}`);
    }
    if (this.chance(0.05)) parts.push(this.pick(['%', '%zz', '%E0%A4%A', '&&&', '=', 'a==b']));
    // Within Node's 16 KiB for the request head (a longer one is the parser's 431, no route's).
    while (parts.join('&').length > 4000) parts.pop();
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  }

  csv(): string {
    const header = this.pick([
      'name,email,phone',
      `na\u0000me,email`,
      'name,Name',
      '__proto__,constructor',
      'a'.repeat(100),
      `${this.text()},${this.text()}`,
      '',
    ]);
    const rows = Array.from({ length: 1 + this.int(4) }, () =>
      this.chance(0.8) ? 'Jane,jane@example.com,+1 415 555 2671' : `${this.text()},${this.text()}`,
    );
    return `${header}\n${rows.join('\n')}\n`;
  }

  multipart(boundary: string): string {
    const parts: string[] = [];
    for (let i = this.int(4); i > 0; i--) {
      const name = this.chance(0.7) ? this.pick(OPTION_NAMES) : this.text();
      const value = name === 'columns' ? this.columns() : String(this.optionValue());
      parts.push(
        `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      );
    }
    if (this.chance(0.85)) {
      const filename = this.chance(0.5) ? 'people.csv' : this.text().replace(/["\r\n]/g, '_');
      parts.push(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: text/csv\r\n\r\n${this.csv()}\r\n`,
      );
    }
    return `${parts.join('')}--${boundary}--\r\n`;
  }

  normalizeBody(): string {
    if (this.chance(0.15)) return this.deep();
    if (this.chance(0.1))
      return this.pick(['{', '{"values":', 'nul', '[1,]', '"\\ud800"', '{"a":1}x', '\u0000']);
    const values = this.chance(0.8)
      ? Array.from(
          { length: 1 + this.int(3) },
          () =>
            new Obj([
              [
                'type',
                this.chance(0.7) ? this.pick(['phone', 'email', 'date', 'text']) : this.json(),
              ],
              ['value', this.chance(0.6) ? '(415) 555-2671' : this.json()],
              ...(this.chance(0.3) ? [['country', this.json()] as [string, unknown]] : []),
            ]),
        )
      : this.json();
    const options = new Obj(
      Array.from({ length: this.int(4) }, () => [
        this.chance(0.8) ? this.pick(OPTION_NAMES.slice(0, 4)) : this.text(),
        this.optionValue(),
      ]),
    );
    return toJson(
      new Obj([
        ['values', values],
        ...(this.chance(0.8) ? [['options', options] as [string, unknown]] : []),
      ]),
    );
  }

  datasetBody(): string {
    if (this.chance(0.1)) return this.deep();
    const names = [
      'email',
      'name',
      'ctid',
      'xmin',
      'tableoid',
      'cmax',
      '_job_id',
      'Email',
      this.text(),
    ];
    const columns = Array.from({ length: this.int(4) }, () =>
      this.chance(0.85)
        ? new Obj([
            ['name', this.chance(0.85) ? this.pick(names) : this.json()],
            [
              'type',
              this.chance(0.8) ? this.pick(['email', 'text', 'phone', 'integer']) : this.json(),
            ],
            ...(this.chance(0.3) ? [['required', this.json()] as [string, unknown]] : []),
          ])
        : this.json(),
    );
    const key = this.chance(0.1)
      ? Array.from({ length: 40 }, (_, i) => `c${i}`)
      : this.chance(0.8)
        ? [this.pick(names)]
        : this.json();
    const name = this.chance(0.7) ? `fuzz_${this.int(1_000_000)}` : this.json();
    return toJson(
      new Obj([
        ['name', name],
        ['columns', columns],
        ['key', key],
      ]),
    );
  }

  path(): string {
    const template = this.pick(PATHS);
    const badId = () =>
      this.pick([
        this.jobId,
        this.jobId.toUpperCase(),
        'not-a-uuid',
        '%00',
        '..%2F..%2Fetc',
        '%E0%A4%A',
        '%F0%9F%92%A5',
        'a'.repeat(3000),
        '00000000-0000-0000-0000-000000000000',
        enc(this.text().slice(0, 1000)),
      ]);
    return template
      .replace('{job}', this.chance(0.3) ? this.jobId : badId())
      .replace('{job}', this.chance(0.3) ? this.jobId : badId())
      .replace('{dataset}', this.chance(0.3) ? this.dataset : badId());
  }

  request(): FuzzRequest {
    const kind = this.int(10);
    const headers: Array<[string, string]> = [];
    let method = 'POST';
    let target: string;
    let body = '';
    let contentType: string | undefined;
    if (kind <= 2) {
      // Uploads: a job, or a preview of the same body and options.
      target = `${this.chance(0.3) ? '/v1/previews' : '/v1/jobs'}${this.query()}`;
      if (this.chance(0.5)) {
        const boundary = this.pick(['fuzz', 'x'.repeat(70), '----b']);
        contentType = `multipart/form-data; boundary=${boundary}`;
        body = this.multipart(boundary);
      } else {
        contentType = 'text/csv';
        body = this.csv();
      }
    } else if (kind <= 4) {
      target = `/v1/normalize${this.chance(0.2) ? this.query() : ''}`;
      contentType = 'application/json';
      body = this.normalizeBody();
    } else if (kind === 5) {
      target = '/v1/datasets';
      contentType = 'application/json';
      body = this.datasetBody();
    } else if (kind <= 7) {
      method = 'GET';
      target = `${this.path()}${this.query(['status', 'type', 'dataset', 'column', 'code', 'limit', 'offset', ...OPTION_NAMES])}`;
    } else {
      method = this.pick(METHODS);
      target = `${this.path()}${this.chance(0.3) ? this.query() : ''}`;
      if (method !== 'GET' && method !== 'HEAD' && this.chance(0.6)) {
        body = this.chance(0.5) ? this.normalizeBody() : this.csv();
        contentType = this.pick(CONTENT_TYPES);
      }
    }
    // Hostile headers, on any request.
    if (this.chance(0.2)) contentType = this.pick(CONTENT_TYPES);
    if (contentType !== undefined && !this.chance(0.05))
      headers.push(['content-type', contentType]);
    if (this.chance(0.15)) headers.push(['content-encoding', this.pick(CONTENT_ENCODINGS)]);
    if (this.chance(0.2)) headers.push(['accept', this.pick(ACCEPTS)]);
    if (this.chance(0.05)) headers.push(['x-fuzz', 'y'.repeat(this.pick([1000, 4000]))]);
    if (this.chance(0.05)) headers.push(['accept-charset', this.pick(['utf-16', 'ebcdic', '*'])]);
    if (this.chance(0.05)) headers.push(['expect', '100-continue']);
    const framing =
      body === ''
        ? this.pick(['none', 'length'] as const)
        : this.pick(['length', 'length', 'padded-length', 'chunked', 'chunked-ext'] as const);
    const about = `${method} ${target.slice(0, 300)} [${headers.map(([k, v]) => `${k}: ${v.slice(0, 60)}`).join('; ')}] (${framing}) ${body.slice(0, 300)}`;
    return { method, target, headers, body: Buffer.from(body), framing, about };
  }
}

// ---------------------------------------------------------------- transport

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Decodes a chunked body (the whole response has been read). */
function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Sends one request over its own socket, written byte for byte as generated
 * (so nothing in a client library normalizes it away), and reads the answer
 * to the end of the connection (`connection: close`).
 */
async function send(apiUrl: string, request: FuzzRequest): Promise<Answer> {
  const { hostname, port } = new URL(apiUrl);
  const socket = connect(Number(port), hostname);
  const timer = setTimeout(
    () => socket.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    REQUEST_TIMEOUT_MS,
  );
  try {
    await once(socket, 'connect');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    const ended = once(socket, 'close');
    const head = [
      `${request.method} ${request.target} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      'connection: close',
      // As the stack's tenant (support/api-keys.ts), unless the case sets its own.
      ...(request.headers.some(([k]) => k.toLowerCase() === 'authorization')
        ? []
        : Object.entries(authHeader(apiUrl)).map(([k, v]) => `${k}: ${v}`)),
      ...request.headers.map(([k, v]) => `${k}: ${v}`),
    ];
    const { body } = request;
    let payload: Buffer;
    switch (request.framing) {
      case 'none':
        payload = Buffer.alloc(0);
        break;
      case 'length':
      case 'padded-length':
        head.push(
          `content-length: ${request.framing === 'padded-length' ? '000' : ''}${body.byteLength}`,
        );
        payload = body;
        break;
      default: {
        head.push('transfer-encoding: chunked');
        const half = Math.floor(body.byteLength / 2);
        const ext = request.framing === 'chunked-ext' ? ';fuzz=1' : '';
        const pieces = [body.subarray(0, half), body.subarray(half)].filter(
          (p) => p.byteLength > 0,
        );
        payload = Buffer.concat([
          ...pieces.flatMap((p) => [
            Buffer.from(`${p.byteLength.toString(16)}${ext}\r\n`),
            p,
            Buffer.from('\r\n'),
          ]),
          Buffer.from('0\r\n\r\n'),
        ]);
      }
    }
    // Not half-closed after writing: Node's HTTP server drops a request
    // whose client ended its side (it answers `connection: close` ones fully).
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    socket.write(payload);
    await ended;
    let data: Buffer = Buffer.concat(received);
    // Interim answers (100 Continue) come before the real one.
    while (/^HTTP\/1\.1 1\d\d /.test(data.subarray(0, 13).toString('latin1'))) {
      data = data.subarray(data.indexOf('\r\n\r\n') + 4);
    }
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd === -1)
      throw new Error(`no HTTP response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
    const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let rest: Buffer = data.subarray(headEnd + 4);
    if (headers['transfer-encoding'] === 'chunked') rest = dechunk(rest);
    return { status: Number(statusLine!.split(' ')[1]), headers, body: rest.toString('utf8') };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

// ---------------------------------------------------------------- the test

let stack: Stack;
const CODES = documentedCodes();

// Datasets are shared by every e2e file: the ones this file creates (the
// fuzz may declare any valid one) are dropped afterwards.
const db = new pg.Client({ connectionString: inject('databaseUrl') });
let datasetsBefore = new Set<string>();

beforeAll(async () => {
  console.log(`request fuzz: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT}`);
  await db.connect();
  const { rows } = await db.query<{ name: string }>('select name from datasets');
  datasetsBefore = new Set(rows.map((r) => r.name));
  stack = await startStack({ queuePrefix: '{e2e-request-fuzz}' });
}, 60_000);

afterAll(async () => {
  const codes = await stack?.stop();
  const { rows } = await db.query<{ name: string }>('select name from datasets');
  for (const { name } of rows.filter((r) => !datasetsBefore.has(r.name))) {
    await dropDataset(db, name);
  }
  await db.end();
  expect(codes).toEqual([0, 0]);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('known hostile requests (each a 500 on 7c352f4)', () => {
  const csv = Buffer.from('name,email\nJane,jane@example.com\n');
  const multipart = (filename: string) =>
    Buffer.from(
      `--b\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--b--\r\n`,
    );
  const json = (target: string, body: string) => ({
    method: 'POST',
    target,
    headers: [['content-type', 'application/json']] as Array<[string, string]>,
    body: Buffer.from(body),
  });
  const upload = (target: string, body: Buffer = csv, type = 'text/csv') => ({
    method: 'POST',
    target,
    headers: [['content-type', type]] as Array<[string, string]>,
    body,
  });
  const cases: Array<[string, ReturnType<typeof upload>, number, string]> = [
    [
      'a NUL in a header name',
      upload('/v1/jobs', Buffer.from('na\u0000me,email\nJane,j@x.io\n')),
      400,
      'invalid_character',
    ],
    ['a NUL in ?filename', upload('/v1/jobs?filename=a%00.csv'), 400, 'invalid_character'],
    [
      'a NUL in a multipart filename',
      upload('/v1/jobs', multipart('a\u0000.csv'), 'multipart/form-data; boundary=b'),
      400,
      'invalid_character',
    ],
    [
      'a NUL in a rename target',
      upload(`/v1/jobs?columns=${enc('{"name":{"rename":"a\\u0000"}}')}`),
      400,
      'invalid_character',
    ],
    [
      'a lone surrogate in a rename target',
      upload(`/v1/jobs?columns=${enc('{"name":{"rename":"a\\ud800"}}')}`),
      400,
      'invalid_character',
    ],
    [
      'a column type that is an object',
      upload(`/v1/jobs?columns=${enc('{"name":{"type":{"toString":1}}}')}`),
      400,
      'invalid_option',
    ],
    [
      'a NUL in the dataset filter',
      { method: 'GET', target: '/v1/jobs?dataset=%00', headers: [], body: Buffer.alloc(0) },
      400,
      'invalid_character',
    ],
    [
      'a non-string normalize option',
      json(
        '/v1/normalize',
        '{"values":[{"type":"phone","value":"1"}],"options":{"phoneRegion":{"toString":1}}}',
      ),
      400,
      'invalid_option',
    ],
    [
      'a dataset column named ctid',
      json(
        '/v1/datasets',
        '{"name":"sys","columns":[{"name":"ctid","type":"text"}],"key":["ctid"]}',
      ),
      400,
      'invalid_dataset',
    ],
    [
      'a dataset column named xmin',
      json(
        '/v1/datasets',
        '{"name":"sys","columns":[{"name":"id","type":"text"},{"name":"xmin","type":"text"}],"key":["id"]}',
      ),
      400,
      'invalid_dataset',
    ],
    [
      'a dataset key of 33 columns',
      json(
        '/v1/datasets',
        JSON.stringify({
          name: 'wide',
          columns: Array.from({ length: 33 }, (_, i) => ({ name: `c${i}`, type: 'integer' })),
          key: Array.from({ length: 33 }, (_, i) => `c${i}`),
        }),
      ),
      400,
      'invalid_dataset',
    ],
    // Silently accepted on 7c352f4 (a duplicate output header; the mapping ignored).
    [
      'a rename onto an existing column',
      upload(`/v1/jobs?columns=${enc('{"name":{"rename":"email"}}')}`),
      400,
      'duplicate_column',
    ],
    [
      'columns={"__proto__":...}',
      upload(`/v1/jobs?columns=${enc('{"__proto__":"phone"}')}`),
      400,
      'unknown_column',
    ],
    ['a repeated option', upload('/v1/jobs?phoneRegion=US&phoneRegion=DE'), 400, 'invalid_option'],
    // On 7c352f4 this one killed the API (an unhandled 'error' of the gzip decoder nobody read).
    [
      'a corrupt gzip upload into an unknown dataset',
      {
        method: 'POST',
        target: '/v1/jobs?dataset=no_such_dataset',
        headers: [
          ['content-type', 'text/csv'],
          ['content-encoding', 'gzip'],
        ],
        body: Buffer.alloc(64 * 1024, 'not gzip\n'),
      },
      404,
      'dataset_not_found',
    ],
  ];
  for (const [what, request, status, code] of cases) {
    it(`${what}: ${status} ${code}`, async () => {
      const answer = await send(stack.apiUrl, { ...request, framing: 'length', about: what });
      expect(answer.status, answer.body).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body)).toMatchObject({ status, code });
    });
  }

  it('an import row whose key is over MAX_KEY_BYTES is rejected alone (key_too_long); the rest merge', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'long_keys',
        columns: [
          { name: 'code', type: 'text' },
          { name: 'name', type: 'text' },
        ],
        key: ['code'],
      }),
    });
    expect(created.status).toBe(201);
    // Random hex: PostgreSQL cannot compress it into its index entry (it would a repeated letter).
    const job = await submitCsv(
      stack.apiUrl,
      `code,name\n${randomBytes(1500).toString('hex')},long\nshort,ok\n`,
      '?dataset=long_keys',
    );
    const done = await waitForJob(stack.apiUrl, job.id);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.counts).toMatchObject({ rowsAccepted: 1, rowsRejected: 1 });
    const errors = await (await fetch(`${stack.apiUrl}/v1/jobs/${job.id}/errors.csv`)).text();
    expect(errors).toContain('key_too_long');
    const rows = (await (
      await fetch(`${stack.apiUrl}/v1/datasets/long_keys/rows`)
    ).json()) as Array<{ code: string }>;
    expect(rows.map((r) => r.code)).toEqual(['short']);
  });
});

describe(`hostile requests (FUZZ_SEED=${SEED})`, () => {
  it('never get a 5xx; every refusal is problem+json with a documented code; nothing dies', async () => {
    const generator = new Generator(SEED);
    // Real resources for the paths to name (the generator also makes up bad ones).
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: generator.dataset,
        columns: [
          { name: 'email', type: 'email' },
          { name: 'name', type: 'text' },
        ],
        key: ['email'],
      }),
    });
    expect(created.status).toBe(201);
    // Random hex: PostgreSQL cannot compress it into its index entry (it would a repeated letter).
    const job = await submitCsv(stack.apiUrl, 'name,email\nJane,jane@example.com\n');
    await waitForJob(stack.apiUrl, job.id);
    generator.jobId = job.id;

    const requests = Array.from({ length: COUNT }, () => generator.request());
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        const where = `#${index} (FUZZ_SEED=${SEED}) ${request.about}`;
        let answer: Answer;
        try {
          answer = await send(stack.apiUrl, request);
        } catch (error) {
          failures.push(`${where}\n  -> ${(error as Error).message}`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500 || answer.status < 100) {
          failures.push(`${where}\n  -> ${answer.status} ${answer.body.slice(0, 300)}`);
          continue;
        }
        if (answer.status < 400 || request.method === 'HEAD') continue;
        if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) {
          failures.push(
            `${where}\n  -> ${answer.status} not problem+json: ${answer.headers['content-type']}`,
          );
          continue;
        }
        let code: unknown;
        try {
          code = (JSON.parse(answer.body) as { code?: unknown }).code;
        } catch {
          failures.push(`${where}\n  -> ${answer.status} body is not JSON`);
          continue;
        }
        if (typeof code !== 'string' || !CODES.has(code)) {
          failures.push(`${where}\n  -> ${answer.status} undocumented code ${String(code)}`);
        }
      }
    };
    // A few at a time, within the upload caps per client.
    await Promise.all(Array.from({ length: 3 }, worker));
    console.log(
      `request fuzz: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);

    expect(alive(stack.api.pid), 'the API process is alive').toBe(true);
    for (const w of stack.workers) expect(alive(w.pid), `${w.name} is alive`).toBe(true);
    const ready = await fetch(`${stack.apiUrl}/health/ready`);
    expect(ready.status).toBe(200);
    // The worker still does its job: a normal submission completes.
    const after = await submitCsv(stack.apiUrl, 'name,email\nJohn,john@example.com\n');
    expect((await waitForJob(stack.apiUrl, after.id)).status).toBe('completed');
  }, 600_000);
});
