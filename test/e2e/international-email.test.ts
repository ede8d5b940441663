// Internationalized e-mail addresses (UTF-8 local parts, IDN domains) are
// accepted by default, their domain written in one canonical Unicode form
// whichever form came in; `internationalEmail=refuse` reports each one as
// international_email and keeps the ASCII ones.

import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

const CSV = [
  'id,email',
  '1,John.Doe@Example.COM',
  '2,JÖRG@Example.DE',
  '3,user@MÜNCHEN.de',
  '4,user@xn--mnchen-3ya.de',
  '5,用户@例子.广告',
  '6,info@XN--E1AFMKFD.XN--P1AI',
  '7,j☃@example.com',
  '',
].join('\n');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-intl-email}' });
});
afterAll(async () => {
  expect(await stack?.stop()).toEqual([0, 0]);
});

async function run(query: string) {
  const submitted = await submitCsv(stack.apiUrl, CSV, query);
  const job = (await waitForJob(stack.apiUrl, submitted.id)) as JobBody & {
    options: Record<string, unknown>;
  };
  expect(job.status, JSON.stringify(job)).toBe('completed');
  return {
    job,
    result: rows((await getText(job.links.result)).body),
    errors: rows((await getText(job.links.errors)).body)
      .slice(1)
      .map((e) => [e[0], e[1], e[3]]),
  };
}

describe('internationalized e-mail addresses through the HTTP API', () => {
  it('are accepted by default, the domain in its canonical Unicode form', async () => {
    const { result, errors } = await run('');
    expect(result).toEqual([
      ['id', 'email'],
      ['1', 'john.doe@example.com'],
      ['2', 'jörg@example.de'],
      ['3', 'user@münchen.de'],
      ['4', 'user@münchen.de'],
      ['5', '用户@例子.广告'],
      ['6', 'info@пример.рф'],
      ['7', ''],
    ]);
    expect(errors).toEqual([['8', 'email', 'invalid_email']]);
  });

  it('are each reported as international_email with internationalEmail=refuse', async () => {
    const { job, result, errors } = await run('?internationalEmail=refuse');
    expect(job.options).toMatchObject({ internationalEmail: 'refuse' });
    expect(result.map((r) => r[1])).toEqual([
      'email',
      'john.doe@example.com',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
    expect(errors).toEqual([
      ['3', 'email', 'international_email'],
      ['4', 'email', 'international_email'],
      ['5', 'email', 'international_email'],
      ['6', 'email', 'international_email'],
      ['7', 'email', 'international_email'],
      ['8', 'email', 'invalid_email'],
    ]);
  });

  it('follow the option in POST /v1/normalize too, and a bad value is invalid_option', async () => {
    const normalize = async (options: Record<string, string>) => {
      const res = await fetch(`${stack.apiUrl}/v1/normalize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          options,
          values: [{ type: 'email', value: 'Jörg@XN--MNCHEN-3YA.DE' }],
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await normalize({})).body).toMatchObject({
      results: [{ ok: true, normalized: 'jörg@münchen.de' }],
    });
    expect((await normalize({ internationalEmail: 'refuse' })).body).toMatchObject({
      results: [{ ok: false, code: 'international_email' }],
    });
    const bad = await normalize({ internationalEmail: 'never' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_option');
    const res = await fetch(`${stack.apiUrl}/v1/jobs?internationalEmail=maybe`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: CSV,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('invalid_option');
  });
});
