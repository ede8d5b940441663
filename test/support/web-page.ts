import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * What the browser tests of the web app share: the bundle built, a page
 * that may reach only the API under test (every other request is refused
 * and listed), console errors and CSP reports collected, axe-core run in
 * the page, screenshots as artifacts.
 */

const ROOT = new URL('../../', import.meta.url);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The bundle the API serves (turbo: cached when nothing changed). */
export function buildWebApp(): void {
  execFileSync('pnpm', ['--silent', 'run', 'build', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, CSP reports and uncaught errors of the page. */
  problems: string[];
  /** Requests refused because they went elsewhere than the API's origin. */
  elsewhere: string[];
}

/** A 1280 × 900 page (downloads accepted) that may request only `apiUrl`'s origin and blob: URLs. */
export async function openAppPage(browser: Browser, apiUrl: string): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const elsewhere: string[] = [];
  const origin = new URL(apiUrl).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems, elsewhere };
}

/** axe-core in the page (evaluated through the debugger: the CSP allows no injected script tag). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // Strings: they run in the page, where axe, window and document are (not in this file's types).
  const found = (await page.evaluate('axe.run().then((result) => result.violations)')) as Array<{
    id: string;
    impact: string;
    nodes: Array<{ target: unknown }>;
  }>;
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** The window as seen (docs/ keeps copies of some), and the whole page beside it, in `folder`. */
export async function screenshot(page: Page, folder: URL, name: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, folder).pathname });
  await page.screenshot({ path: new URL(`${name}-full.png`, folder).pathname, fullPage: true });
}

/** Nothing wider than the window (no sideways scrolling of the page itself). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth <= window.innerWidth',
  )) as boolean;
}
