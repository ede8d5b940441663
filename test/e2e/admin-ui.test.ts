import { readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../support/api-keys.ts';
import { launchChromium } from '../support/chromium.ts';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);
const ADMIN_USER = 'e2e-admin';
const ADMIN_PASSWORD = 'correct horse battery staple';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let stack: Stack;
let job: JobBody;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-admin}',
    env: { ADMIN_USER, ADMIN_PASSWORD },
  });
  const submitted = await submitCsv(stack.apiUrl, readFileSync(SAMPLE), '?filename=contacts.csv');
  job = await waitForJob(stack.apiUrl, submitted.id);
  expect(job.status).toBe('completed');
});

afterAll(async () => {
  await browser?.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('admin UI access control', () => {
  it('answers anonymous requests with 401, a Basic challenge and problem+json', async () => {
    const res = await fetch(`${stack.apiUrl}/admin/queues`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    // The board's JSON API and assets are behind the same check.
    const api = await fetch(`${stack.apiUrl}/admin/queues/api/queues`);
    expect(api.status).toBe(401);
  });

  it('refuses a wrong password or user', async () => {
    for (const authorization of [
      basic(ADMIN_USER, 'wrong password, long'),
      basic('someone', ADMIN_PASSWORD),
      'Basic not-base64!',
      'Bearer token',
    ]) {
      const res = await fetch(`${stack.apiUrl}/admin/queues`, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      await res.body?.cancel();
    }
  });

  it('throttles a client guessing passwords (429 + Retry-After), not the others', async () => {
    // From 127.0.0.2: another client than every other test here (127.0.0.1).
    const attacker = (authorization: string) =>
      rawRequest('GET', `${stack.apiUrl}/admin/queues`, { authorization }, '127.0.0.2');
    for (let i = 0; i < 10; i++) {
      expect((await attacker(basic(ADMIN_USER, `guess ${i}`))).status).toBe(401);
    }
    const throttled = await attacker(basic(ADMIN_USER, 'guess 10'));
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(throttled.body)).toMatchObject({ code: 'too_many_login_attempts' });
    // The right password is not even checked for that client now.
    expect((await attacker(basic(ADMIN_USER, ADMIN_PASSWORD))).status).toBe(429);
    const admin = await fetch(`${stack.apiUrl}/admin/queues`, {
      headers: { authorization: basic(ADMIN_USER, ADMIN_PASSWORD) },
    });
    expect(admin.status).toBe(200);
    await admin.body?.cancel();
  });

  it('serves the board to the admin, unframeable', async () => {
    const res = await fetch(`${stack.apiUrl}/admin/queues`, {
      headers: { authorization: basic(ADMIN_USER, ADMIN_PASSWORD) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    await res.body?.cancel();
  });

  it('rejects state-changing requests from another origin (CSRF) even with credentials', async () => {
    const action = `${stack.apiUrl}/admin/queues/api/queues/sluice-jobs/pause`;
    const authorization = basic(ADMIN_USER, ADMIN_PASSWORD);
    for (const headers of [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      { origin: 'null' },
      {}, // neither Origin nor Referer: cannot prove it is ours
    ]) {
      const res = await fetch(action, { method: 'PUT', headers: { authorization, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'csrf_rejected' });
    }
    const post = await fetch(`${stack.apiUrl}/admin/queues/api/queues/sluice-jobs/retry/failed`, {
      method: 'POST',
      headers: { authorization, origin: 'http://attacker.test' },
    });
    expect(post.status).toBe(403);
    await post.body?.cancel();
    // The queue was not paused.
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, {
      headers: { authorization },
    });
    const body = (await queues.json()) as { queues: Array<{ name: string; isPaused: boolean }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'sluice-chunks',
      'sluice-jobs',
      'sluice-maintenance',
      'sluice-webhooks',
    ]);
    expect(body.queues.every((q) => !q.isPaused)).toBe(true);
  });

  it('shows the upload as a flow: the finalize-job parent with its chunk children', async () => {
    const res = await fetch(
      `${stack.apiUrl}/admin/queues/api/queues/sluice-jobs/job-${job.id}/flow`,
      { headers: { authorization: basic(ADMIN_USER, ADMIN_PASSWORD) } },
    );
    expect(res.status).toBe(200);
    const flow = JSON.stringify(await res.json());
    expect(flow).toContain(`job-${job.id}`);
    expect(flow).toContain(`chunk-${job.id}-0`);
  });
});

/** A request with headers fetch() would not send as given (Host), from an optional local address. */
function rawRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  localAddress?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a forged Host header', () => {
  it('never shows up in the links the API returns (PUBLIC_URL unset: the listen address)', async () => {
    const status = await rawRequest('GET', `${stack.apiUrl}/v1/jobs/${job.id}`, {
      ...authHeader(stack.apiUrl),
      host: 'evil.example',
    });
    expect(status.status).toBe(200);
    const links = (JSON.parse(status.body) as JobBody).links;
    for (const link of Object.values(links)) expect(link.startsWith(`${stack.apiUrl}/`)).toBe(true);
    const list = await rawRequest('GET', `${stack.apiUrl}/v1/jobs?limit=1`, {
      ...authHeader(stack.apiUrl),
      host: 'evil.example',
    });
    expect(list.headers.link).toContain(`<${stack.apiUrl}/v1/jobs?`);
    expect(list.body).not.toContain('evil.example');
  });

  it('does not make the origin it names trusted for admin actions (CSRF, DNS rebinding)', async () => {
    const authorization = basic(ADMIN_USER, ADMIN_PASSWORD);
    const action = `${stack.apiUrl}/admin/queues/api/queues/sluice-jobs/pause`;
    const { port } = new URL(stack.apiUrl);
    for (const host of ['rebound.example', `rebound.example:${port}`]) {
      const res = await rawRequest('PUT', action, {
        host,
        origin: `http://${host}`,
        authorization,
      });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'csrf_rejected' });
    }
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, {
      headers: { authorization },
    });
    const body = (await queues.json()) as { queues: Array<{ isPaused: boolean }> };
    expect(body.queues.every((q) => !q.isPaused)).toBe(true);
  });
});

describe('admin UI in a browser', () => {
  it('shows the completed flow parent in the sluice-jobs Completed tab', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({
      httpCredentials: { username: ADMIN_USER, password: ADMIN_PASSWORD },
    });
    const page = await context.newPage();
    try {
      const overview = await page.goto(`${stack.apiUrl}/admin/queues`);
      expect(overview?.status()).toBe(200);
      await page
        .getByRole('link', { name: /sluice-jobs/ })
        .first()
        .click();
      await page
        .getByRole('link', { name: /^completed/i })
        .first()
        .click();
      await expect
        .poll(() => page.url(), { timeout: 10_000 })
        .toMatch(/\/admin\/queues\/queue\/sluice-jobs\?status=completed/);
      await page.getByText(`job-${job.id}`).first().waitFor({ timeout: 15_000 });
      await page.getByText('finalize-job').first().waitFor({ timeout: 5_000 });
      // The board's own actions (same origin, browser-sent Origin) pass the CSRF check.
      const statuses = await page.evaluate(async () => {
        const put = async (path: string) =>
          (await fetch(`/admin/queues/api/queues/sluice-chunks/${path}`, { method: 'PUT' })).status;
        return [await put('pause'), await put('resume')];
      });
      expect(statuses).toEqual([200, 200]);
    } finally {
      if (process.env.SLUICE_ADMIN_SCREENSHOT) {
        await page.screenshot({ path: join(tmpdir(), 'sluice-admin-ui.png'), fullPage: true });
      }
      await context.close();
      await browser.close();
      browser = undefined;
    }
  });
});
