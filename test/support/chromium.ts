import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (scripts/bootstrap.sh installs it for ./dev test),
 * headless and quiet: no first-run, sync, update or background requests, so
 * a test that refuses every request but the API's sees only its own page's.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
