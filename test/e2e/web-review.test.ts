import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { buildWebApp, openAppPage, screenshot, seriousViolations } from '../support/web-page.ts';

// The web app's pages behind its addresses (#/jobs/<id>, #/datasets/<name>,
// ...), in Chromium against a real stack: a job cancelled and retried from its
// page; a finished job's errors counted by column, filtered by column and
// code and paged; a dataset's columns, rows and export after an import; the
// jobs list's status filter and pages; back/forward and reload keep the page;
// 390 px without sideways scrolling; axe-core on each page. Screenshots go to
// test/artifacts/web-review (git-ignored); docs/web-job-errors.png is one.

const ARTIFACTS = new URL('../artifacts/web-review/', import.meta.url);
const DATASET = 'review_contacts';

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

/**
 * 150 rows with errors in three columns: email (required: empty every 7th
 * row, malformed every other one), phone (every 3rd), amount (every 5th);
 * and every 50th row has a field too many (an error about the whole row).
 */
function csvWithErrors(): string {
  const lines = ['name,email,phone,amount'];
  for (let i = 1; i <= 150; i++) {
    const email = i % 7 === 0 ? '' : i % 2 === 0 ? `not-an-email-${i}` : `p${i}@example.com`;
    const phone = i % 3 === 0 ? 'call me' : `+1 415 555 ${String(1000 + i)}`;
    const amount = i % 5 === 0 ? 'lots' : String(i * 2);
    lines.push(`Person ${i},${email},${phone},${amount}${i % 50 === 0 ? ',extra' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
const ERRORS_QUERY = `?filename=several-errors.csv&columns=${encodeURIComponent(
  JSON.stringify({
    email: { type: 'email', required: true },
    phone: 'phone',
    amount: 'number',
  }),
)}`;

let stack: Stack;
let browser: Browser;
let page: Page;
let problems: string[];
let elsewhere: string[];

beforeAll(async () => {
  buildWebApp();
  // No worker at first: a submitted job stays queued until the test adds one.
  stack = await startStack({ queuePrefix: '{e2e-web-review}', workers: 0 });
  browser = await launchChromium();
  ({ page, problems, elsewhere } = await openAppPage(browser, stack.apiUrl));
});

afterAll(async () => {
  await browser?.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

/** Opens an address of the app (a new document when only the hash differs is not needed: the app follows it). */
async function open(hash: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/${hash}`);
}

// Strings: they run in the page, where window and document are (not in this file's types).
const hash = () => page.evaluate('window.location.hash') as Promise<string>;
const pager = (name: string) => page.getByRole('navigation', { name }).locator('p');

/** The cells of a table's body rows, as text. */
function bodyCells(testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((rows: Array<{ children: ArrayLike<{ textContent: string | null }> }>) =>
      rows.map((row) => Array.from(row.children, (cell) => cell.textContent ?? '')),
    );
}

async function job(id: string): Promise<{ status: string }> {
  return (await (await fetch(`${stack.apiUrl}/v1/jobs/${id}`)).json()) as { status: string };
}

describe('the web app’s pages', () => {
  it('keeps a shared address through sign-in', async () => {
    await open('#/jobs?status=completed');
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    expect(await hash()).toBe('#/jobs?status=completed');
    expect(await page.getByLabel('Status').inputValue()).toBe('completed');
    expect(await page.title()).toBe('Jobs · Sluice');
  });

  it('cancels a queued job from its page, then retries it and follows it to the end', async () => {
    const queued = await submitCsv(
      stack.apiUrl,
      'email,name\nann@example.com,Ann\nbob@example.com,Bob\n',
      '?filename=cancel-me.csv',
    );
    await open(`#/jobs/${queued.id}`);
    await page.getByRole('heading', { name: 'Job cancel-me.csv', level: 1 }).waitFor();
    expect(await page.getByTestId('job-status').textContent()).toContain('queued');
    expect(await page.getByRole('button', { name: 'Retry job' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await expect.poll(() => page.getByTestId('job-status').textContent()).toContain('cancelled');
    expect((await job(queued.id)).status).toBe('cancelled');
    // The pressed button is gone: focus is on the page's heading, not lost.
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('page-heading');
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);

    await stack.addWorker();
    await page.getByRole('button', { name: 'Retry job' }).click();
    // Followed by its event stream: the page shows the end without a reload.
    await page.getByRole('button', { name: 'Download result.csv' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('job-status').textContent()).toContain('completed');
    expect((await job(queued.id)).status).toBe('completed');
    expect(await page.getByRole('button', { name: 'Retry job' }).count()).toBe(0);
  });

  it('shows a finished job’s errors by column, filtered by column and by code, a page at a time', async () => {
    const submitted = await submitCsv(stack.apiUrl, csvWithErrors(), ERRORS_QUERY);
    const finished = await waitForJob(stack.apiUrl, submitted.id);
    expect(finished.status).toBe('completed');
    // What to expect, from errors.csv (row, column, value, code, message).
    const report = records(
      await (await fetch(`${stack.apiUrl}/v1/jobs/${submitted.id}/errors.csv`)).text(),
    ).slice(1);
    const count = (keep: (e: string[]) => boolean) => report.filter(keep).length;
    const byColumn = new Map<string, number>();
    for (const [, column] of report) byColumn.set(column!, (byColumn.get(column!) ?? 0) + 1);
    // errors.csv's column is empty for an error about the whole row; the page names it so.
    expect([...byColumn.keys()].sort()).toEqual(['', 'amount', 'email', 'phone']);
    expect(byColumn.get('')).toBe(3);
    const emailErrors = count((e) => e[1] === 'email');
    const required = count((e) => e[3] === 'required');
    expect(required).toBe(21);
    expect(count((e) => e[3] === 'invalid_email')).toBe(emailErrors - required);

    await open(`#/jobs/${submitted.id}`);
    // Reloaded, the address is the same page (the key is kept in the tab).
    await page.reload();
    await page.getByRole('heading', { name: 'Job several-errors.csv', level: 1 }).waitFor();
    await page.getByTestId('errors-by-column').waitFor();
    const counts = await bodyCells('errors-by-column');
    expect(
      new Map(
        counts.map(([column, errors]) => [
          column === '(whole row)' ? '' : column,
          Number(errors!.replace(/\D/g, '')),
        ]),
      ),
    ).toEqual(byColumn);
    expect(counts.find(([column]) => column === 'email')?.[2]).toMatch(/invalid_email \d+/);
    await expect
      .poll(() => pager('Pages of errors').textContent())
      .toBe(`1–50 of ${report.length}`);
    await screenshot(page, ARTIFACTS, 'job-errors-1280');
    expect(await seriousViolations(page)).toEqual([]);

    // By column: only that column's errors, its count, in the address.
    await page.getByLabel('Column', { exact: true }).selectOption({ label: 'email' });
    await expect
      .poll(() => pager('Pages of errors').textContent())
      .toBe(`1–${Math.min(50, emailErrors)} of ${emailErrors}`);
    expect(await hash()).toBe(`#/jobs/${submitted.id}?column=email`);
    expect(new Set((await bodyCells('errors-table')).map((row) => row[1]))).toEqual(
      new Set(['email']),
    );
    // And by code within it.
    await page.getByLabel('Code', { exact: true }).selectOption('required');
    await expect.poll(() => pager('Pages of errors').textContent()).toBe(`1–21 of 21`);
    const requiredRows = await bodyCells('errors-table');
    expect(requiredRows.map((row) => Number(row[0])).sort((a, b) => a - b)).toEqual(
      report.filter((e) => e[3] === 'required').map((e) => Number(e[0])),
    );
    expect(new Set(requiredRows.map((row) => row[3]))).toEqual(new Set(['required']));

    // Errors about a whole row (no column): `column=` in the address as in the API.
    await page.getByLabel('Column', { exact: true }).selectOption({ label: '(whole row)' });
    await expect.poll(() => pager('Pages of errors').textContent()).toBe('1–3 of 3');
    expect(await hash()).toBe(`#/jobs/${submitted.id}?column=`);
    expect(await bodyCells('errors-table')).toEqual(
      report
        .filter((e) => e[1] === '')
        .map(([row, , value, code, message]) => [row, '(whole row)', value, code, message]),
    );

    // By code alone, paged: two pages of one code hold distinct errors, none of another.
    await page.getByLabel('Column', { exact: true }).selectOption({ label: 'any' });
    await page.getByLabel('Code', { exact: true }).selectOption('invalid_email');
    const invalid = count((e) => e[3] === 'invalid_email');
    expect(invalid).toBeGreaterThan(50);
    await expect.poll(() => pager('Pages of errors').textContent()).toBe(`1–50 of ${invalid}`);
    const first = await bodyCells('errors-table');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect
      .poll(() => pager('Pages of errors').textContent())
      .toBe(`51–${Math.min(100, invalid)} of ${invalid}`);
    expect(await hash()).toBe(`#/jobs/${submitted.id}?code=invalid_email&offset=50`);
    const second = await bodyCells('errors-table');
    const seen = [...first, ...second].map((row) => Number(row[0]));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual(
      report
        .filter((e) => e[3] === 'invalid_email')
        .map((e) => Number(e[0]))
        .slice(0, seen.length),
    );
    expect(new Set([...first, ...second].map((row) => row[3]))).toEqual(new Set(['invalid_email']));
    // Back returns to the first page of the same filter.
    await page.goBack();
    await expect.poll(() => pager('Pages of errors').textContent()).toBe(`1–50 of ${invalid}`);
    expect(await hash()).toBe(`#/jobs/${submitted.id}?code=invalid_email`);
    await page.goForward();
    await expect.poll(() => pager('Pages of errors').textContent()).toContain('51–');
  });

  it('fits a 390 px wide screen: tables scroll inside their boxes, not the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate('document.documentElement.scrollWidth') as Promise<number>)
      .toBeLessThanOrEqual(390);
    await screenshot(page, ARTIFACTS, 'job-errors-390');
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a dataset’s columns and rows after an import, and exports it as CSV', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: DATASET,
        columns: [
          { name: 'email', type: 'email' },
          { name: 'city', type: 'text', required: true },
          { name: 'team', type: 'text' },
        ],
        key: ['email'],
      }),
    });
    expect(created.status).toBe(201);
    await created.arrayBuffer();
    const people = Array.from({ length: 60 }, (_, i) => {
      const n = String(i + 1).padStart(2, '0');
      return [`p${n}@example.com`, i % 2 ? 'Oslo' : 'Lima', `team ${i % 4}`];
    });
    const imported = await submitCsv(
      stack.apiUrl,
      `email,city,team\n${people.map((p) => p.join(',')).join('\n')}\n`,
      `?filename=people.csv&type=import&dataset=${DATASET}`,
    );
    expect((await waitForJob(stack.apiUrl, imported.id)).status).toBe('completed');

    // The import's page says what the merge did.
    await open(`#/jobs/${imported.id}`);
    await page.getByTestId('job-import').waitFor();
    expect(await page.getByTestId('job-import').textContent()).toBe(
      'Inserted60Updated0Unchanged0Duplicate0',
    );

    // From the menu to the list to the dataset: focus moves to each new page's heading.
    await page.getByRole('link', { name: 'Datasets', exact: true }).click();
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor();
    await page.getByRole('link', { name: DATASET }).click();
    await page.getByRole('heading', { name: `Dataset ${DATASET}`, level: 1 }).waitFor();
    expect(await hash()).toBe(`#/datasets/${DATASET}`);
    // Focus moves once the new page has rendered: polled.
    await expect
      .poll(() => page.evaluate('document.activeElement?.textContent'))
      .toBe(`Dataset ${DATASET}`);
    await page.getByTestId('dataset-columns').waitFor();
    expect(await bodyCells('dataset-columns')).toEqual([
      ['email', 'email', 'yes', 'yes'],
      ['city', 'text', 'yes', 'no'],
      ['team', 'text', 'no', 'no'],
    ]);
    await expect.poll(() => pager('Pages of rows').textContent()).toBe('1–50 of 60');
    expect(await bodyCells('dataset-rows')).toEqual(people.slice(0, 50));
    await screenshot(page, ARTIFACTS, 'dataset-1280');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager('Pages of rows').textContent()).toBe('51–60 of 60');
    expect(await bodyCells('dataset-rows')).toEqual(people.slice(50));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Export ${DATASET}.csv` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${DATASET}.csv`);
    expect(records(readFileSync((await download.path())!, 'utf8'))).toEqual([
      ['email', 'city', 'team'],
      ...people,
    ]);
  });

  it('lists jobs by status a page at a time, each linking to its page', async () => {
    // A job stopped for its error rate (every email of 1,000 rows malformed): the one failed job.
    const bad = await submitCsv(
      stack.apiUrl,
      `email\n${Array.from({ length: 1000 }, (_, i) => `nobody-${i}`).join('\n')}\n`,
      `?filename=all-bad.csv&columns=${encodeURIComponent(JSON.stringify({ email: { type: 'email', required: true } }))}`,
    );
    expect((await waitForJob(stack.apiUrl, bad.id)).status).toBe('failed');
    await open('#/jobs?status=failed');
    await expect.poll(() => pager('Pages of jobs').textContent()).toBe('1–1 of 1');
    await page.getByRole('link', { name: 'all-bad.csv' }).click();
    await page.getByRole('heading', { name: 'Job all-bad.csv', level: 1 }).waitFor();
    expect(await hash()).toBe(`#/jobs/${bad.id}`);
    expect(await page.getByTestId('job-failure').textContent()).toContain('error_rate_exceeded');
    expect(await page.getByRole('button', { name: 'Retry job' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Download errors.csv' }).count()).toBe(1);
    await page.goBack();
    await expect.poll(() => pager('Pages of jobs').textContent()).toBe('1–1 of 1');

    // 3 completed so far (cancel-me, several-errors, people); 18 more make 21: two pages.
    for (let i = 1; i <= 18; i++) {
      const more = await submitCsv(
        stack.apiUrl,
        'email\nann@example.com\n',
        `?filename=more-${i}.csv`,
      );
      expect((await waitForJob(stack.apiUrl, more.id)).status).toBe('completed');
    }
    await page.getByLabel('Status').selectOption('completed');
    await expect.poll(() => pager('Pages of jobs').textContent()).toBe('1–20 of 21');
    expect(await hash()).toBe('#/jobs?status=completed');
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager('Pages of jobs').textContent()).toBe('21–21 of 21');
    expect(await hash()).toBe('#/jobs?status=completed&offset=20');
    // Newest first: the first job submitted is alone on the last page.
    expect(await page.locator('tbody').textContent()).toContain('cancel-me.csv');
    expect(await page.locator('tbody').textContent()).not.toContain('all-bad.csv');
    await page.getByLabel('Status').selectOption('');
    await expect.poll(() => pager('Pages of jobs').textContent()).toBe('1–20 of 22');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
