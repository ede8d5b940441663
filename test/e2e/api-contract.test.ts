import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type Stack, startStack } from '../support/stack.ts';

// The API's contract as served: GET /openapi.json (public, cacheable) and the
// reference page GET /docs, which must work with nothing but this origin
// (no CDN) under the API's Content-Security-Policy.

let stack: Stack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-api-contract}' });
});

afterAll(async () => {
  await browser?.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without an API key, cacheable with an ETag', async () => {
    const res = await fetch(`${stack.apiUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const document = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/v1/jobs']?.post?.security).toEqual([{ apiKey: ['jobs:write'] }]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // max-age=0: fetch would otherwise add Cache-Control: no-cache to a
    // conditional request, which tells the server to answer in full.
    const again = await fetch(`${stack.apiUrl}/openapi.json`, {
      headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });
});

describe('GET /docs', () => {
  it('renders every operation in a browser that may reach nothing but the API, within its CSP', async () => {
    const res = await fetch(`${stack.apiUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    await res.body?.cancel();
    // Its assets come from this app (swagger-ui-dist in node_modules), cacheable.
    for (const asset of [
      'swagger-ui.css',
      'swagger-ui-bundle.js',
      'reference.js',
      'favicon-32x32.png',
    ]) {
      const file = await fetch(`${stack.apiUrl}/docs/${asset}`);
      expect(file.status, asset).toBe(200);
      expect(file.headers.get('cache-control'), asset).toMatch(/max-age=[1-9]/);
      await file.arrayBuffer();
    }
    // Only those: not the package's other files (its demo page points at a petstore).
    const missing = await fetch(`${stack.apiUrl}/docs/index.html`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });

    browser = await launchChromium();
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    const cspViolations: string[] = [];
    const origin = new URL(stack.apiUrl).origin;
    // Offline but for the API: any other request is refused and noted.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      else if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      const loaded = await page.goto(`${stack.apiUrl}/docs`);
      expect(loaded?.status()).toBe(200);
      await page
        .getByText('Upload a CSV file as a job')
        .first()
        .waitFor({ timeout: 20_000 })
        .catch((error: Error) => {
          throw new Error(
            `${error.message}\nconsole: ${JSON.stringify([...cspViolations, ...errors])}\nfetched elsewhere: ${JSON.stringify(elsewhere)}`,
          );
        });
      await page.getByText('Declare a dataset: its columns and unique key').first().waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      expect(elsewhere).toEqual([]);
      expect(cspViolations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
