import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow, generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);
const EXPECTED = new URL('../fixtures/contacts-sample.expected.csv', import.meta.url);

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

let stack: Stack;

beforeAll(async () => {
  // Small chunks so even modest files span many chunks and chunk boundaries.
  stack = await startStack({
    queuePrefix: '{e2e-normalize}',
    env: { CHUNK_BYTES: '16KB', MAX_UPLOAD_BYTES: '4MB' },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  // Graceful shutdown on SIGTERM exits 0.
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('contacts-sample.csv end to end', () => {
  let job: JobBody;

  beforeAll(async () => {
    const submitted = await submitCsv(
      stack.apiUrl,
      readFileSync(SAMPLE),
      '?filename=contacts-sample.csv',
    );
    expect(submitted.status).toBe('queued');
    expect(submitted.links.self).toBe(`${stack.apiUrl}/v1/jobs/${submitted.id}`);
    job = await waitForJob(stack.apiUrl, submitted.id);
  });

  it('completes with counts for every row', () => {
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({
      rowsTotal: 8,
      rowsAccepted: 8,
      rowsRejected: 0,
      rowsBlank: 0,
    });
    expect(job.progress).toEqual({ chunksTotal: 1, chunksDone: 1, percent: 100 });
    expect(job.columns.map((c) => `${c.name}:${c.type}`)).toContain('email:email');
    expect(job.columns.map((c) => `${c.name}:${c.type}`)).toContain('phone:phone');
  });

  it('result.csv has one row per accepted input row, emails and phones as expected', async () => {
    const res = await getText(job.links.result);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    const [header, ...data] = rows(res.body);
    const [expectedHeader, ...expected] = rows(readFileSync(EXPECTED, 'utf8'));
    expect(header).toEqual(expectedHeader);
    expect(data).toHaveLength(job.counts.rowsAccepted);
    const col = (name: string) => expectedHeader!.indexOf(name);
    for (const name of ['email', 'phone']) {
      const i = col(name);
      expect(data.map((r) => r[i])).toEqual(expected.map((r) => (r[i] === '!error' ? '' : r[i])));
    }
  });

  it('errors.csv lists the !error cells of the email and phone columns with codes', async () => {
    const res = await getText(job.links.errors);
    expect(res.status).toBe(200);
    const [header, ...errors] = rows(res.body);
    expect(header).toEqual(['row', 'column', 'value', 'code', 'message']);
    const addressErrors = errors.filter((e) => e[1] === 'email' || e[1] === 'phone');
    expect(addressErrors.map((e) => [e[0], e[1], e[2], e[3]])).toEqual([
      ['7', 'email', 'not-an-email', 'invalid_email'],
      ['7', 'phone', '123', 'invalid_phone'],
    ]);
    expect(job.counts.errors).toBe(errors.length);
  });
});

describe('job status cache', () => {
  it('serves a finished job from Redis (X-Cache HIT) with the same body, counted in metrics', async () => {
    const submitted = await submitCsv(stack.apiUrl, 'email\na@example.com\n');
    // While the job may still be running, every read is a MISS (progress moves).
    const early = await fetch(`${stack.apiUrl}/v1/jobs/${submitted.id}`);
    const earlyBody = (await early.json()) as JobBody;
    if (earlyBody.status !== 'completed') expect(early.headers.get('x-cache')).toBe('MISS');
    await waitForJob(stack.apiUrl, submitted.id);

    const metric = async () => {
      const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
      const hit = /sluice_cache_requests_total\{cache="job_status",result="hit"[^}]*\} (\d+)/.exec(
        text,
      );
      return Number(hit?.[1] ?? 0);
    };
    const hitsBefore = await metric();
    const reads = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${stack.apiUrl}/v1/jobs/${submitted.id}`);
      reads.push({ cache: res.headers.get('x-cache'), body: await res.json() });
    }
    // waitForJob's last read stored it; from then on Redis answers.
    expect(reads.map((r) => r.cache)).toEqual(['HIT', 'HIT', 'HIT']);
    expect(reads[1]!.body).toEqual(reads[0]!.body);
    expect((reads[0]!.body as JobBody).status).toBe('completed');
    expect(await metric()).toBe(hitsBefore + 3);
    const download = await fetch(`${stack.apiUrl}/v1/jobs/${submitted.id}/result.csv`);
    expect(download.headers.get('x-cache')).toBe('HIT');
    expect(await download.text()).toBe('email\na@example.com\n');
  });
});

describe('chunking', () => {
  it('keeps every row, in order, across many chunks with quoted newlines', async () => {
    const count = 4000;
    const chunks: Buffer[] = [];
    for await (const piece of generateContactsCsv(count, 7)) chunks.push(piece);
    const submitted = await submitCsv(stack.apiUrl, Buffer.concat(chunks));
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status).toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(20);
    expect(job.counts.rowsTotal).toBe(count);
    expect(job.counts.rowsAccepted + job.counts.rowsRejected).toBe(count);
    const [header, ...data] = rows((await getText(job.links.result)).body);
    expect(header).toEqual(CONTACT_HEADER.split(','));
    expect(data).toHaveLength(job.counts.rowsAccepted);
    expect(data.map((r) => Number(r[0]))).toEqual(data.map((_, i) => i + 1));
    // Multi-line notes survive chunking intact.
    const expectedNotes = Array.from(
      { length: count },
      (_, i) => rows(`${contactRow(i + 1, 7)}\n`)[0]![9],
    );
    expect(data.map((r) => r[9])).toEqual(expectedNotes.map((n) => n!.replace(/\s+/g, ' ').trim()));
  });
});

describe('uploads', () => {
  it('accepts multipart/form-data with the file name', async () => {
    const form = new FormData();
    form.append('phoneRegion', 'GB');
    form.append(
      'file',
      new Blob(['name,phone\nAda,020 7946 0018\n'], { type: 'text/csv' }),
      'people.csv',
    );
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/\/v1\/jobs\/[0-9a-f-]{36}$/);
    const body = (await res.json()) as JobBody & { fileName: string };
    expect(body.fileName).toBe('people.csv');
    const job = await waitForJob(stack.apiUrl, body.id);
    const result = await getText(job.links.result);
    expect(result.body).toBe('name,phone\nAda,+442079460018\n');
    expect(result.body.length).toBeGreaterThan(0);
  });

  it('keeps a UTF-8 file name as sent, and names the downloads after it (RFC 6266)', async () => {
    const form = new FormData();
    form.append('file', new Blob(['n\n1\n'], { type: 'text/csv' }), 'Müller café 顧客.csv');
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = (await res.json()) as JobBody & { fileName: string };
    expect(body.fileName).toBe('Müller café 顧客.csv');
    const job = await waitForJob(stack.apiUrl, body.id);
    for (const [link, suffix] of [
      [job.links.result, 'normalized'],
      [job.links.errors, 'errors'],
    ] as const) {
      const download = await fetch(link);
      expect(download.status).toBe(200);
      await download.body?.cancel();
      const disposition = download.headers.get('content-disposition') ?? '';
      // The exact name in filename* (UTF-8), a plain ASCII one for older clients.
      const extValue = /filename\*=UTF-8''([^;\s]+)/.exec(disposition)?.[1] ?? '';
      expect(decodeURIComponent(extValue)).toBe(`Müller café 顧客.${suffix}.csv`);
      expect(disposition).toMatch(
        new RegExp(`^attachment; filename="Muller cafe __\\.${suffix}\\.csv"; `),
      );
    }
  });

  it('takes the first file part of a form and ignores later ones', async () => {
    const form = new FormData();
    form.append('file', new Blob(['first\none\n'], { type: 'text/csv' }), 'one.csv');
    form.append('other', new Blob(['second\ntwo\n'], { type: 'text/csv' }), 'two.csv');
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, { method: 'POST', body: form });
    expect(res.status).toBe(202);
    const body = (await res.json()) as JobBody & { fileName: string };
    expect(body.fileName).toBe('one.csv');
    const job = await waitForJob(stack.apiUrl, body.id);
    expect((await getText(job.links.result)).body).toBe('first\none\n');
  });

  it('counts a part as the file by its file name or an application/octet-stream type', async () => {
    // What browsers send: a file input's part has a file name, or an
    // application/octet-stream type; a part with an empty file name and any
    // other type is a plain field.
    const boundary = 'sluice-e2e-boundary';
    const send = (parts: string) =>
      fetch(`${stack.apiUrl}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `${parts}--${boundary}--\r\n`,
      });
    const part = (disposition: string, type: string, content: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n` +
      `Content-Type: ${type}\r\n\r\n${content}\r\n`;

    const unnamed = await send(part('name="file"', 'application/octet-stream', 'n\n1\n'));
    expect(unnamed.status).toBe(202);
    const body = (await unnamed.json()) as JobBody & { fileName: string | null };
    expect(body.fileName).toBeNull();
    const job = await waitForJob(stack.apiUrl, body.id);
    expect((await getText(job.links.result)).body).toBe('n\n1\n');

    const emptyName = await send(part('name="file"; filename=""', 'text/csv', 'n\n1\n'));
    expect(emptyName.status).toBe(400);
    expect(((await emptyName.json()) as { code: string }).code).toBe('missing_file');
  });

  it('neutralizes spreadsheet formulas in text cells', async () => {
    const job = await waitForJob(
      stack.apiUrl,
      (await submitCsv(stack.apiUrl, 'note\n=HYPERLINK("http://x")\n')).id,
    );
    expect((await getText(job.links.result)).body).toBe('note\n"\'=HYPERLINK(""http://x"")"\n');
  });
});

describe('bad input gets problem+json with a stable code', () => {
  const post = (body: NonNullable<RequestInit['body']>, contentType: string) =>
    fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as {
      code: string;
      status: number;
      title: string;
      detail: string;
    };
    expect(problem).toMatchObject({ code, status });
    expect(problem.detail.length).toBeGreaterThan(10);
    return problem;
  }

  it('415 for a body that is not CSV', async () => {
    await expectProblem(await post('{"a":1}', 'application/json'), 415, 'unsupported_media_type');
  });

  it('413 above the configured size limit, by header and while streaming', async () => {
    await expectProblem(
      await post('a\n'.repeat(3 * 1024 * 1024), 'text/csv'),
      413,
      'payload_too_large',
    );
    // 128 KiB over the 4 MB limit, no Content-Length: the API must count while
    // streaming. A small overshoot keeps the client from still writing when
    // the server closes the connection after its 413 (that would be EPIPE).
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 66; i++)
          controller.enqueue(new TextEncoder().encode('abc\n'.repeat(16_384)));
        controller.close();
      },
    });
    const streamed = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: big,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(streamed, 413, 'payload_too_large');
  });

  it('400 for a form without a file part, without a boundary or cut off before its end', async () => {
    const form = new FormData();
    form.append('phoneRegion', 'GB');
    const problem = await expectProblem(
      await fetch(`${stack.apiUrl}/v1/jobs`, { method: 'POST', body: form }),
      400,
      'missing_file',
    );
    expect(problem.detail).toMatch(/file/);
    await expectProblem(
      await post('--x\r\n\r\nname,phone\r\n--x--\r\n', 'multipart/form-data'),
      400,
      'malformed_multipart',
    );
    await expectProblem(
      await post(
        '--x\r\nContent-Disposition: form-data; name="phoneRegion"\r\n\r\nGB',
        'multipart/form-data; boundary=x',
      ),
      400,
      'malformed_multipart',
    );
  });

  it('413 for a form whose file part is above the size limit, counted while streaming', async () => {
    // No Content-Length: the file part itself must be cut at the limit. The
    // refusal comes once the part has ended (the rest of it is skipped).
    const boundary = 'sluice-e2e-boundary';
    const encoder = new TextEncoder();
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          encoder.encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
              'Content-Type: text/csv\r\n\r\nabc\n',
          ),
        );
        for (let i = 0; i < 66; i++) controller.enqueue(encoder.encode('abc\n'.repeat(16_384)));
        controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: big,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413, 'payload_too_large');
  });

  it('400 for an empty file, a header-only file and a file without a header', async () => {
    await expectProblem(await post('', 'text/csv'), 400, 'empty_file');
    await expectProblem(await post('\uFEFF\r\n', 'text/csv'), 400, 'empty_file');
    await expectProblem(await post('name,email\r\n', 'text/csv'), 400, 'no_rows');
    // A first line that mixes names and data (a file whose first row is
    // wholly data gets generated names: test/e2e/input-breadth.test.ts).
    await expectProblem(
      await post('jane@example.com,Jane\nbob@example.com,Bob\n', 'text/csv'),
      400,
      'missing_header',
    );
    await expectProblem(await post('name,,email\nx,y,z\n', 'text/csv'), 400, 'invalid_header');
    await expectProblem(await post('email,Email\nx,y\n', 'text/csv'), 400, 'duplicate_column');
  });

  it('400 for one line over MAX_RECORD_BYTES instead of buffering the rest of the file', async () => {
    // (An unclosed quote followed by line breaks is cut there and costs one
    // row: test/e2e/csv-input.test.ts.)
    const problem = await expectProblem(
      await post(`a,b\n1,"oops${' x'.repeat(600_000)}\n${'x,y\n'.repeat(400_000)}`, 'text/csv'),
      400,
      'record_too_large',
    );
    expect(problem).toMatchObject({ record: 2 });
  });

  it('404 for unknown jobs, whatever the id looks like', async () => {
    await expectProblem(
      await fetch(`${stack.apiUrl}/v1/jobs/00000000-0000-4000-8000-000000000000`),
      404,
      'job_not_found',
    );
    await expectProblem(
      await fetch(`${stack.apiUrl}/v1/jobs/nope/result.csv`),
      404,
      'job_not_found',
    );
    await expectProblem(await fetch(`${stack.apiUrl}/v2/else`), 404, 'not_found');
  });

  it('rejects rows with the wrong field count or invalid UTF-8 as row errors, keeping the rest', async () => {
    const body = Buffer.concat([
      Buffer.from('label,email\nok,a@example.com\ntoo,many,fields\n'),
      Buffer.from([
        0x62, 0x61, 0x64, 0xff, 0x2c, 0x62, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e,
        0x63, 0x6f, 0x6d, 0x0a,
      ]),
      Buffer.from('\nlast,c@example.com\n'),
    ]);
    // Declared UTF-8: detection would (rightly) read a lone 0xFF as Windows-1252.
    const job = await waitForJob(
      stack.apiUrl,
      (await submitCsv(stack.apiUrl, body, '?encoding=utf-8')).id,
    );
    expect(job.counts).toMatchObject({
      rowsTotal: 5,
      rowsAccepted: 2,
      rowsRejected: 2,
      rowsBlank: 1,
    });
    expect((await getText(job.links.result)).body).toBe(
      'label,email\nok,a@example.com\nlast,c@example.com\n',
    );
    const errors = rows((await getText(job.links.errors)).body).slice(1);
    expect(errors.map((e) => [e[0], e[3]])).toEqual([
      ['3', 'column_count_mismatch'],
      ['4', 'invalid_encoding'],
    ]);
  });
});
