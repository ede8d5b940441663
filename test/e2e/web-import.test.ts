import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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

// The new-job screen's choices in Chromium, against the real API: an import
// into a dataset through the mapping screen (its key and required columns
// flagged, an unmapped required column blocking submit), a normalize job with
// a rename, phone region and date order chosen on the page, and a file of
// hundreds of MB that streams while the page stays usable, then is cancelled.
// Screenshots go to test/artifacts/web (git-ignored); axe-core checks the screens.

const ARTIFACTS = new URL('../artifacts/web/', import.meta.url);
const FILE_INPUT = 'Choose a CSV file, or drop one here';

const DATASET = {
  name: 'people',
  columns: [
    { name: 'email', type: 'email' },
    { name: 'full_name', type: 'name', required: true },
    { name: 'phone', type: 'phone' },
    { name: 'city', type: 'text' },
  ],
  key: ['email'],
};
/**
 * Email, Full Name and City match dataset columns by name; Mobile matches
 * none (mapped to phone on the screen); City is left out on the screen
 * (dropped: the dataset's city stays empty); Notes matches none and stays out.
 */
const PEOPLE_CSV = [
  'Email,Full Name,Mobile,City,Notes',
  'ANN@Example.com,ann lee,(415) 555-0100,Paris,first',
  'bob@example.com,BOB STONE,415.555.0101,Lyon,',
  '',
].join('\n');

/**
 * UK numbers (not US ones, the default region), dates that read either way
 * (03/04: 3 April in DMY), and Notes, left out on the screen (in the middle:
 * the columns after it must still line up in the preview).
 */
const GB_CSV = [
  'Name,Notes,Mobile,Joined',
  'jane doe,vip,020 7946 0018,03/04/2021',
  'li wei,x,07911 123456,05/06/2020',
  '',
].join('\n');
const GB_EXPECTED = [
  'Name,phone,Joined',
  'Jane Doe,+442079460018,2021-04-03',
  'Li Wei,+447911123456,2020-06-05',
  '',
].join('\n');

const LARGE = 'large-upload.csv';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let elsewhere: string[];
let scratch: string;

beforeAll(async () => {
  buildWebApp();
  scratch = mkdtempSync(join(tmpdir(), 'sluice-web-import-'));
  stack = await startStack({ queuePrefix: '{e2e-web-import}' });
  browser = await launchChromium();
  ({ context, page, problems, elsewhere } = await openAppPage(browser, stack.apiUrl));
  expect((await page.goto(`${stack.apiUrl}/`))?.status()).toBe(200);
  await page.getByLabel('API key').fill(stack.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'New job' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

/**
 * expect.poll with room for a busy machine (two cores, other test files):
 * a bound on waiting, not a claim about speed.
 */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000 });

/** Rows of this stack's tenant for the large file, in any status (receiving included: the API hides those). */
async function storedJobs(): Promise<number> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from jobs where tenant_id = $1 and file_name = $2',
      [stack.tenantId, LARGE],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function pick(name: string, csv: string): Promise<void> {
  await page
    .getByLabel(FILE_INPUT)
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('heading', { name: `Preview of ${name}` }).waitFor();
}

/** The job status line once the job has ended. */
async function finished(): Promise<string> {
  const status = page.getByTestId('job-status');
  await expect
    .poll(async () => (await status.count()) > 0 && (await status.textContent()), {
      timeout: 60_000,
    })
    .toMatch(/Status: (completed|failed|cancelled)/);
  return (await status.textContent()) ?? '';
}

describe('the new-job screen', () => {
  it('imports a file into a dataset through the mapping screen', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DATASET),
    });
    expect(created.status).toBe(201);
    await created.arrayBuffer();

    await pick('people.csv', PEOPLE_CSV);
    await page.getByLabel('Import into a dataset').check();
    const datasetSelect = page.getByLabel('Dataset', { exact: true });
    await eventually(() => datasetSelect.isEnabled()).toBe(true);
    await datasetSelect.selectOption('people');
    const target = (header: string) => page.getByLabel(`Dataset column for ${header}`);
    // The default mapping is the API's (an import preview without columns).
    await eventually(() => target('Email').inputValue()).toBe('email');
    expect(await target('Full Name').inputValue()).toBe('full_name');
    expect(await target('Mobile').inputValue()).toBe('');
    expect(await target('City').inputValue()).toBe('city');
    expect(await target('Notes').inputValue()).toBe('');
    // The key column and the required one are flagged as such.
    const datasetRow = (name: string) =>
      page
        .getByRole('region', { name: 'Dataset columns' })
        .getByRole('row', { name: new RegExp(`^${name}\\b`) });
    expect(await datasetRow('email').textContent()).toMatch(/key/i);
    expect(await datasetRow('full_name').textContent()).toMatch(/required/i);
    expect(await datasetRow('phone').textContent()).not.toMatch(/key|required/i);

    // An unmapped required column blocks submit, saying which.
    await target('Full Name').selectOption('');
    const submit = page.getByRole('button', { name: 'Submit job' });
    const problem = page.locator('#mapping-problem');
    await eventually(() => problem.textContent()).toContain('full_name (required)');
    expect(await submit.isDisabled()).toBe(true);
    expect(await submit.getAttribute('aria-describedby')).toBe('mapping-problem');
    expect(await datasetRow('full_name').textContent()).toContain('Not mapped: needed');
    await target('Email').selectOption('');
    await eventually(() => problem.textContent()).toContain('email (key)');
    await screenshot(page, ARTIFACTS, 'import-blocked-1280');

    await target('Email').selectOption('email');
    await target('Full Name').selectOption('full_name');
    // Mapped on the screen: Mobile goes to phone (by keyboard: focus, arrows).
    await target('Mobile').focus();
    await target('Mobile').selectOption('phone');
    // City would fill city by its name: left out here, it is dropped.
    await target('City').selectOption('');
    await eventually(() => problem.textContent()).toBe('Every key and required column is mapped.');
    expect(await submit.isEnabled()).toBe(true);
    // The preview follows the mapping: the mobile number as the phone column writes it.
    const rows = page.getByRole('region', { name: 'First rows' });
    await eventually(() => rows.textContent()).toContain('→ phone');
    await eventually(() => rows.textContent()).toContain('→ +14155550100');
    await eventually(() => rows.getByRole('columnheader', { name: /^City/ }).textContent()).toBe(
      'City (left out)',
    );
    // The window shows the choice of dataset, the mapping and the rows (docs/web-import.png).
    await page.evaluate("document.querySelector('.job-target').scrollIntoView()");
    await screenshot(page, ARTIFACTS, 'import-mapping-1280');
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, ARTIFACTS, 'import-mapping-390');
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    await submit.click();
    expect(await finished()).toContain('completed');
    const list = await fetch(`${stack.apiUrl}/v1/datasets/people/rows`);
    const got = ((await list.json()) as Array<Record<string, unknown>>).map(
      ({ email, full_name, phone, city }) => ({ email, full_name, phone, city }),
    );
    expect(got).toEqual([
      { email: 'ann@example.com', full_name: 'Ann Lee', phone: '+14155550100', city: null },
      { email: 'bob@example.com', full_name: 'Bob Stone', phone: '+14155550101', city: null },
    ]);
  });

  it('runs a normalize job with a rename, a column left out, a phone region and a date order chosen on the page', async () => {
    await pick('contacts-gb.csv', GB_CSV);
    await page.getByLabel('Normalize into result.csv').check();
    const rows = page.getByRole('region', { name: 'First rows' });
    // The default region (US) cannot read these numbers.
    await eventually(() => rows.textContent()).toMatch(/not a valid phone/i);
    await page.getByLabel('Phone region').fill('gb');
    await page.keyboard.press('Tab');
    await page.getByLabel('Date order').selectOption('DMY');
    await page.getByLabel('Rename Mobile').fill('phone');
    await page.keyboard.press('Tab');
    await page.getByLabel('Leave out Notes').check();
    expect(await page.getByLabel('Rename Notes').isDisabled()).toBe(true);
    // The preview follows each choice, each value under its own column.
    await eventually(() => rows.textContent()).toContain('Notes (left out)');
    const cells = rows.getByRole('row', { name: /^2\b/ }).getByRole('cell');
    await eventually(() => cells.nth(2).textContent()).toBe('020 7946 0018→ +442079460018');
    await eventually(() => cells.nth(3).textContent()).toBe('03/04/2021→ 2021-04-03');
    expect(await cells.nth(1).textContent()).toBe('vip');
    await eventually(() => rows.textContent()).toContain('→ phone');
    // The time zone reaches the API too: one it does not know is its problem, shown.
    const zone = page.getByLabel('Time zone');
    expect(await page.locator('#time-zones option[value="Europe/Berlin"]').count()).toBe(1);
    await zone.fill('Mars/Olympus');
    await page.keyboard.press('Tab');
    await eventually(() => page.getByRole('alert').textContent()).toMatch(
      /timeZone must be an IANA/,
    );
    expect(problems.splice(0).map((p) => /status of 400/.test(p))).toEqual([true]);
    await zone.fill('Europe/London');
    await page.keyboard.press('Tab');
    await eventually(() => page.getByRole('alert').count()).toBe(0);
    await screenshot(page, ARTIFACTS, 'normalize-options-1280');
    expect(problems).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Submit job' }).click();
    expect(await finished()).toContain('completed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download result.csv' }).click(),
    ]);
    expect(readFileSync((await download.path())!, 'utf8').replace(/\r\n/g, '\n')).toBe(GB_EXPECTED);
  });

  it('streams a file of hundreds of MB while the page stays usable, and cancels it', async () => {
    const path = join(scratch, LARGE);
    await pipeline(
      Readable.from(generateContactsCsvOfSize(300 * 1024 * 1024)),
      createWriteStream(path),
    );
    const size = statSync(path).size;
    // Throttled: on localhost the whole file would be sent in seconds; this
    // keeps it on its way while the test looks (and bounds the test's time).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 16 * 1024 * 1024,
    });
    try {
      await page.getByLabel(FILE_INPUT).setInputFiles(path);
      await page.getByRole('heading', { name: `Preview of ${LARGE}` }).waitFor();
      await page.getByLabel('Normalize into result.csv').check();
      await page.getByRole('button', { name: 'Submit job' }).click();
      const bar = page.locator('progress');
      const sent = async () => Number(await bar.getAttribute('value'));
      expect(Number(await bar.getAttribute('max'))).toBe(size);
      await eventually(sent).toBeGreaterThan(0);
      // The API is storing it meanwhile.
      await eventually(storedJobs).toBe(1);
      const first = await sent();
      // The page answers while the file streams: script round trips, and the keyboard moves focus.
      for (let i = 0; i < 5; i++)
        expect(await page.evaluate('document.readyState')).toBe('complete');
      await page.getByRole('heading', { name: `Uploading ${LARGE}` }).click();
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel upload');
      await eventually(sent).toBeGreaterThan(first);
      expect(await sent()).toBeLessThan(size);
      await page.getByRole('button', { name: 'Cancel upload' }).click();
      await eventually(() => page.getByRole('alert').textContent()).toBe('Upload cancelled.');
      // The API withdrew the half-stored upload (it kept it as receiving, shown to no client, until then).
      await eventually(storedJobs).toBe(0);
    } finally {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    }
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
