import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_UI_DIST } from '../../src/http/admin-ui.js';
import { REPO_ROOT } from '../helpers/processes.js';

/** Debian's Chromium (`.ci/run` installs the `chromium` package); Playwright's own download is not used. */
export const CHROMIUM = process.env.QUORUM_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Generous: a cold Chromium and a first page load take seconds on a busy 2-core machine. */
export const UI_TIMEOUT = 20_000;

/** The admin bundle the node serves; built here when a lone `vitest run test/admin-ui` finds none. */
export function ensureAdminBuilt(): void {
  if (existsSync(path.join(ADMIN_UI_DIST, 'index.html'))) return;
  execFileSync('npm', ['run', 'build', '--workspace', 'admin-ui'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Containers run as root without user namespaces; /dev/shm is often tiny there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** A page whose waits are long enough for a slow machine, and whose console errors fail loudly in logs. */
export async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[admin ui]', error));
  return page;
}

/** Where `QUORUM_SCREENSHOTS=1 npx vitest run test/admin-ui` saves the README's screenshots. */
const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

/**
 * Saves a screenshot of the page for the docs, only when QUORUM_SCREENSHOTS=1 (CI runs skip the
 * encoding and leave the committed images alone).
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  if (process.env.QUORUM_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let charts and transitions settle on what the test just waited for.
  await page.evaluate(() => {
    // Runs in the page (the server's tsconfig has no DOM types).
    const frame = (globalThis as unknown as { requestAnimationFrame(f: () => void): void })
      .requestAnimationFrame;
    return new Promise<void>((resolve) => frame(() => frame(resolve)));
  });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}
