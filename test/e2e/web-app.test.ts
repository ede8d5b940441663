import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';
import {
  buildWebApp,
  fitsWidth,
  openAppPage,
  screenshot,
  seriousViolations,
} from '../support/web-page.ts';

// The web app (apps/web) as a person uses it, in Chromium, offline but for
// the API that serves it, under the API's Content-Security-Policy: sign in,
// pick the shared sample, change a column's type in the preview, submit,
// watch it finish, download result.csv; a bad file shows the problem's
// detail; the jobs list; sign out. Screenshots go to test/artifacts/web
// (git-ignored), and axe-core checks each screen.

const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);
const EXPECTED = new URL('../fixtures/contacts-sample.expected.csv', import.meta.url);
const ARTIFACTS = new URL('../artifacts/web/', import.meta.url);
/** The column the test retypes in the preview. */
const RETYPED = 'employer';

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

let stack: Stack;
let browser: Browser;
let page: Page;
let problems: string[];
let elsewhere: string[];

beforeAll(async () => {
  buildWebApp();
  // Small chunks: a few MB make a job of many, whose progress the page shows.
  stack = await startStack({ queuePrefix: '{e2e-web-app}', env: { CHUNK_BYTES: '128KB' } });
  browser = await launchChromium();
  ({ page, problems, elsewhere } = await openAppPage(browser, stack.apiUrl));
});

afterAll(async () => {
  await browser?.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('the web app', () => {
  it('is served at / (no-cache) with hashed assets cached immutable and compressed', async () => {
    const index = await fetch(`${stack.apiUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\/index-[\w-]{8,}\.js$/);
    // No inline script or style: the CSP would refuse it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|style=/);
    const asset = await fetch(`${stack.apiUrl}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    // Small: it takes only types from @sluice/contract (its schemas would
    // bring zod and the normalizer, several times this).
    expect(
      (await fetch(`${stack.apiUrl}${script}`).then((r) => r.arrayBuffer())).byteLength,
    ).toBeLessThan(80_000);
    await asset.arrayBuffer();
    // Beside it the API's 404 stays problem+json.
    for (const path of ['/assets/nope.js', '/v1/nope', '/nope']) {
      const missing = await fetch(`${stack.apiUrl}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(await missing.json(), path).toMatchObject({ code: 'not_found' });
    }
  });

  it('signs in with an API key by keyboard, refusing a wrong one', async () => {
    expect((await page.goto(`${stack.apiUrl}/`))?.status()).toBe(200);
    // By keyboard: the first Tab reaches the key's field, Enter signs in.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('api-key');
    await page.keyboard.type('slc_wrong_key');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/key/i);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'New job' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sluice.apiKey'))).toBe(stack.apiKey);
    await screenshot(page, ARTIFACTS, 'upload-1280');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('previews the sample, retypes a column, runs the job and downloads its result', async () => {
    await page.getByLabel('Choose a CSV file, or drop one here').setInputFiles(SAMPLE.pathname);
    await page.getByRole('heading', { name: 'Preview of contacts-sample.csv' }).waitFor();
    const body = await page.locator('main').textContent();
    expect(body).toContain('utf-8');
    const typeOf = page.getByLabel(`Type of ${RETYPED}`);
    const detected = await typeOf.inputValue();
    expect(detected).not.toBe('text');
    await typeOf.selectOption('text');
    // The preview is asked again with the choice: the column is now decided by the request.
    const row = page.getByRole('row', { name: new RegExp(`^${RETYPED}\\b`) });
    await expect.poll(() => row.textContent()).toContain('request');
    await screenshot(page, ARTIFACTS, 'preview-1280');
    expect(await seriousViolations(page)).toEqual([]);

    // An upload can be cancelled: held here on its way to the API, it is aborted.
    const held = `${stack.apiUrl}/v1/jobs?**`;
    let reached = false;
    await page.route(held, () => {
      reached = true;
    });
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: 'Uploading contacts-sample.csv' }).waitFor();
    await expect.poll(() => reached).toBe(true);
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Upload cancelled.');
    await page.unroute(held);
    expect(
      Number((await fetch(`${stack.apiUrl}/v1/jobs?limit=1`)).headers.get('x-total-count')),
    ).toBe(0);

    await page.getByRole('button', { name: 'Submit job' }).click();
    const result = page.getByRole('button', { name: 'Download result.csv' });
    await result.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('job-status').textContent()).toContain('completed');
    await screenshot(page, ARTIFACTS, 'finished-1280');
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), result.click()]);
    expect(download.suggestedFilename()).toBe('result.csv');
    const got = rows(readFileSync((await download.path())!, 'utf8'));
    const expected = rows(readFileSync(EXPECTED, 'utf8'));
    expect(got[0]).toEqual(expected[0]);
    expect(got).toHaveLength(expected.length);
    const retyped = expected[0]!.indexOf(RETYPED);
    // The job got the choice: the retyped column is what a preview with it says.
    const jobs = (await (await fetch(`${stack.apiUrl}/v1/jobs?limit=1`)).json()) as Array<{
      id: string;
    }>;
    const job = (await (await fetch(`${stack.apiUrl}/v1/jobs/${jobs[0]!.id}`)).json()) as {
      columns: Array<{ name: string; type: string }>;
    };
    expect(job.columns.find((c) => c.name === RETYPED)?.type).toBe('text');
    const columns = encodeURIComponent(
      JSON.stringify({ [RETYPED]: { type: 'text', required: false } }),
    );
    const preview = (await (
      await fetch(`${stack.apiUrl}/v1/previews?columns=${columns}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: readFileSync(SAMPLE),
      })
    ).json()) as { rows: Array<{ normalized: string[] | null }> };
    expect(got.slice(1).map((r) => r[retyped])).toEqual(
      preview.rows.map((r) => r.normalized?.[retyped]),
    );
    // Every other column is exactly the expected fixture (fixtures/README.md:
    // `!error` = an empty cell reported in errors.csv; numbers compare by value).
    const number = /^-?\d+(\.\d+)?$/;
    const mismatches: string[] = [];
    expected.slice(1).forEach((want, i) => {
      want.forEach((cell, c) => {
        if (c === retyped) return;
        const have = got[i + 1]![c]!;
        const same =
          cell === '!error'
            ? have === ''
            : have === cell ||
              (number.test(have) && number.test(cell) && Number(have) === Number(cell));
        if (!same) mismatches.push(`row ${i + 2} ${expected[0]![c]}: want ${cell}, got ${have}`);
      });
    });
    expect(mismatches).toEqual([]);

    const [errors] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download errors.csv' }).click(),
    ]);
    expect(readFileSync((await errors.path())!, 'utf8').split('\n')[0]).toMatch(/^row,column/);
  });

  it('shows a running job’s chunks and rows as its events arrive', async () => {
    const parts: Buffer[] = [];
    for await (const part of generateContactsCsvOfSize(3 * 1024 * 1024)) parts.push(part);
    await page.getByLabel('Choose a CSV file, or drop one here').setInputFiles({
      name: 'many-chunks.csv',
      mimeType: 'text/csv',
      buffer: Buffer.concat(parts),
    });
    await page.getByRole('heading', { name: 'Preview of many-chunks.csv' }).waitFor();
    // Every text the live line shows, recorded in the page (it is gone once the job ends).
    await page.evaluate(`
      window.liveLines = [];
      new MutationObserver(() => {
        const line = document.querySelector('[data-testid="job-live"]');
        if (line) window.liveLines.push(line.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    `);
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('button', { name: 'Download result.csv' }).waitFor({ timeout: 120_000 });
    const lines = (await page.evaluate('window.liveLines')) as string[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(
      /^Chunks \d+ of (\d+) · [\d,]+ rows \([\d,]+ accepted, [\d,]+ rejected\)/,
    );
    const total = Number(/of (\d+)/.exec(lines.at(-1)!)![1]);
    expect(total).toBeGreaterThan(10);
  });

  it('fits a 390 px wide phone screen, and takes a dropped file', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, ARTIFACTS, 'finished-390');
    // Dropped on the drop zone this time (a DataTransfer made in the page).
    const dropped = await page.evaluateHandle(
      `(() => { const d = new DataTransfer(); d.items.add(new File([${JSON.stringify(
        readFileSync(SAMPLE, 'utf8'),
      )}], 'contacts-sample.csv', { type: 'text/csv' })); return d; })()`,
    );
    await page.dispatchEvent('.drop', 'drop', { dataTransfer: dropped });
    await page.getByRole('heading', { name: 'Preview of contacts-sample.csv' }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, ARTIFACTS, 'preview-390');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows a bad file's problem detail", async () => {
    const bad = Buffer.from('email,Email\na,b\n');
    const refused = (await (
      await fetch(`${stack.apiUrl}/v1/previews`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: bad,
      })
    ).json()) as { code: string; detail: string };
    expect(refused.code).toBe('duplicate_column');
    await page
      .getByLabel('Choose a CSV file, or drop one here')
      .setInputFiles({ name: 'duplicate.csv', mimeType: 'text/csv', buffer: bad });
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(refused.detail);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('lists jobs with a status filter, opens one, signs out, and is signed out when the key is refused', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => page.locator('tbody').textContent()).toContain('contacts-sample.csv');
    // A job opened from the list (its page) shows its counts and downloads.
    await page.getByRole('link', { name: 'contacts-sample.csv' }).click();
    await page.getByRole('heading', { name: 'Job contacts-sample.csv' }).waitFor();
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download result.csv' }).click(),
    ]);
    expect(rows(readFileSync((await again.path())!, 'utf8'))[0]).toEqual(
      rows(readFileSync(EXPECTED, 'utf8'))[0],
    );
    await screenshot(page, ARTIFACTS, 'jobs-1280');
    // Back to the list, its filter kept in the address.
    await page.goBack();
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.locator('main').textContent()).toContain('No jobs.');
    // Pages of 20: with 21 jobs (the sample, the many-chunk job and 19 more),
    // the oldest is alone on the second page.
    for (let i = 1; i <= 19; i++) {
      const res = await fetch(`${stack.apiUrl}/v1/jobs?filename=page-${i}.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'email\nann@example.com\n',
      });
      expect(res.status).toBe(202);
      await res.arrayBuffer();
    }
    await page.getByLabel('Status').selectOption('');
    await expect.poll(() => page.locator('main').textContent()).toContain('1–20 of 21');
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('21–21 of 21');
    // Newest first: the sample, submitted before the others, is the last.
    expect(await page.locator('tbody').textContent()).toContain('contacts-sample.csv');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sluice.apiKey'))).toBeNull();

    // A key the API stops accepting mid-session (revoked, expired) signs the tab out, saying why.
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.evaluate(() => sessionStorage.setItem('sluice.apiKey', 'slc_revoked_key'));
    // The jobs list (the view last open) asks again with the refused key.
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/refused your key/);
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sluice.apiKey'))).toBeNull();
    // The only console errors are the refused requests the test made on purpose.
    expect(problems.filter((p) => !/status of (401|400)/.test(p))).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
