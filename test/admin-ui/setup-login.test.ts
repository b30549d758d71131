import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { startUiNode, type UiNode } from './ui-node.js';

const ADMIN = { email: 'ada@example.com', password: 'Correct-horse-9' };

// One node and one browser for the whole file: the steps build on each other (setup, then login).
describe('admin UI: serving, first-admin setup, login and sessions', () => {
  let node: UiNode;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureAdminBuilt();
    [node, browser] = await Promise.all([startUiNode(), launchBrowser()]);
    page = await newPage(browser, node.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  it('serves index.html uncached, hashed assets immutable, client routes, and keeps /admin/api JSON', async () => {
    const index = await fetch(`${node.url}/admin`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${node.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);

    const clientRoute = await fetch(`${node.url}/admin/content/api::article.article`);
    expect(clientRoute.status).toBe(200);
    expect(await clientRoute.text()).toBe(html);

    const unknownApi = await fetch(`${node.url}/admin/api/no-such-route`);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as { error: { status: number } }).error.status).toBe(404);
    expect((await fetch(`${node.url}/admin/assets/missing.js`)).status).toBe(404);
  });

  it('creates the first admin when none exists, with errors shown at the field', async () => {
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Welcome to Quorum' }).waitFor();
    await screenshot(page, 'setup');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill('short');
    await page.getByLabel('Confirm password').fill('short');
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByText('At least 8 characters').waitFor();

    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByLabel('Confirm password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create the admin account' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
  });

  it('resumes the session after a reload, through the refresh token', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
  });

  it('refreshes an expired access token silently and retries the request', async () => {
    // The next call to /users/me answers 401 as an expired token would; the client must refresh and retry.
    let refused = 0;
    let refreshed = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/admin/api/token/refresh')) refreshed++;
    });
    await page.route('**/admin/api/users/me', async (route) => {
      if (refused++ === 0)
        return route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({
            data: null,
            error: { status: 401, name: 'UnauthorizedError', message: 'Expired' },
          }),
        });
      return route.continue();
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(refreshed).toBeGreaterThanOrEqual(2);
    await page.unroute('**/admin/api/users/me');
  });

  it('logs out, refuses a wrong password, and logs back in', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    // The session is over on the server too: the old refresh token no longer works.
    expect(
      await page.evaluate(
        // Runs in the page (no DOM types in the server's tsconfig).
        () =>
          (
            globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
          ).localStorage.getItem('quorum.admin.refreshToken'),
      ),
    ).toBeNull();

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('Wrong-password-1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Login failed' }).waitFor();

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
  });
});
