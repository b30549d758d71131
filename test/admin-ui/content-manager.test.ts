import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { adminSession, startUiNode, type UiNode } from './ui-node.js';

const ARTICLES = '/admin/content/api::article.article';

describe('admin UI: content manager', () => {
  let node: UiNode;
  let browser: Browser;
  let page: Page;
  let admin: { auth: string; init: string };

  const cm = (method: 'POST' | 'GET', url: string, body?: unknown) =>
    node.request({
      method,
      url: `/admin/api/content-manager/collection-types/${url}`,
      body,
      auth: admin.auth,
    });

  beforeAll(async () => {
    ensureAdminBuilt();
    [node, browser] = await Promise.all([startUiNode({}, 'relations'), launchBrowser()]);
    admin = await adminSession(node);
    // Published authors: the published article's relation shows published targets only.
    for (const name of ['Ada Lovelace', 'Grace Hopper']) {
      const { documentId } = (await cm('POST', 'api::author.author', { data: { name } })).json().data;
      await cm('POST', `api::author.author/${documentId}/publish`);
    }
    page = await newPage(browser, node.url);
    await page.addInitScript(admin.init);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  it('creates an entry with a relation, a component and a dynamic zone, shows field errors, and publishes', async () => {
    await page.goto(ARTICLES);
    await page.getByRole('link', { name: 'Create new entry' }).click();
    await page.getByRole('heading', { name: 'New Article' }).waitFor();

    await page.getByLabel(/^Title/).fill('Notes on the Analytical Engine');
    await page.getByRole('button', { name: 'Generate Slug from title' }).click();
    expect(await page.getByRole('textbox', { name: 'Slug' }).inputValue()).toBe(
      'notes-on-the-analytical-engine',
    );

    // Relation picker: the server searches the authors.
    const author = page.getByRole('textbox', { name: 'Author', exact: true });
    await author.click();
    await author.fill('Ada');
    await page.getByRole('option', { name: 'Ada Lovelace' }).click();

    // A component, with a value the server refuses (too long), and a dynamic-zone entry.
    await page.getByRole('button', { name: 'Add Seo' }).click();
    await page.getByLabel('Meta title').fill('Analytical Engine');
    await page.getByLabel('Meta description').fill('x'.repeat(200));
    await page.getByRole('button', { name: 'Add to Blocks' }).click();
    await page.getByRole('menuitem', { name: 'Quote' }).click();
    await page
      .getByRole('group', { name: /1\. Quote/ })
      .getByLabel('Title')
      .fill('The engine weaves');

    await page.getByRole('button', { name: 'Save' }).click();
    // The API's error path (seo.metaDescription) lands at that input.
    await page.getByLabel('Meta description').and(page.locator('[aria-invalid="true"]')).waitFor();

    await page.getByLabel('Meta description').fill('On the engine');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/admin\/content\/api::article\.article\/[a-z0-9]{20,}$/);
    await page.getByText('Draft', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published', { exact: true }).first().waitFor();
    await screenshot(page, 'content-edit', { fullPage: true });

    const published = await node.request({ url: '/api/articles?populate=*' });
    expect(published.json().data).toMatchObject([
      {
        title: 'Notes on the Analytical Engine',
        slug: 'notes-on-the-analytical-engine',
        author: { name: 'Ada Lovelace' },
        seo: { metaTitle: 'Analytical Engine', metaDescription: 'On the engine' },
        blocks: [{ __component: 'shared.quote', title: 'The engine weaves' }],
      },
    ]);
  });

  it('lists entries with search, sorting, status and bulk publish', async () => {
    for (const title of ['Compilers', 'COBOL'])
      expect((await cm('POST', 'api::article.article', { data: { title } })).status).toBe(201);

    await page.goto(ARTICLES);
    await page.getByText('3 entries').waitFor();
    await page.getByRole('button', { name: /^Title/ }).click();
    await expect
      .poll(() => page.locator('tbody tr td:nth-child(2)').allInnerTexts())
      .toEqual(['COBOL', 'Compilers', 'Notes on the Analytical Engine']);

    await page.getByRole('textbox', { name: 'Search' }).fill('co');
    await page.getByText('2 entries').waitFor();
    await page.getByRole('checkbox', { name: 'Select all entries on this page' }).check();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('2 entries published').waitFor();
    await expect.poll(() => page.getByText('Published', { exact: true }).count()).toBe(2);
    await page.getByRole('textbox', { name: 'Search' }).fill('');
    await page.getByText('3 entries').waitFor();
    await screenshot(page, 'content-list');

    // A filter built from the attribute's type (title: text operators), kept in the URL.
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('engine');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByText('1 entry', { exact: true }).waitFor();
    expect(page.url()).toContain('filter=title');
    await page.getByRole('button', { name: 'Remove filter Title contains engine' }).click();
    await page.getByText('3 entries').waitFor();
    expect((await node.request({ url: '/api/articles' })).json().data).toHaveLength(3);
  });

  it('lets an Author (own documents only) create and edit their own entries, and shows them no others', async () => {
    const roles = (await node.request({ url: '/admin/api/roles', auth: admin.auth })).json().data;
    const author = roles.find((r: { code: string }) => r.code === 'strapi-author');
    const password = 'Correct-horse-9';
    await node.request({
      method: 'POST',
      url: '/admin/api/users',
      body: { email: 'author@example.com', password, firstname: 'Aria', roles: [author.id] },
      auth: admin.auth,
    });
    const login = await node.request({
      method: 'POST',
      url: '/admin/api/login',
      body: { email: 'author@example.com', password },
      auth: 'none',
    });
    const authorPage = await newPage(browser, node.url);
    await authorPage.addInitScript(
      `localStorage.setItem('quorum.admin.refreshToken', ${JSON.stringify(login.json().data.refreshToken)})`,
    );
    // The sidebar is drawn from the content types: wait until they arrived before looking for absences.
    const typesLoaded = authorPage.waitForResponse(
      (r) => r.url().endsWith('/admin/api/content-manager/content-types') && r.ok(),
    );
    await authorPage.goto('/admin');
    await typesLoaded;
    await authorPage.getByRole('heading', { name: 'Welcome, Aria' }).waitFor();
    await expect.poll(() => authorPage.locator('.mantine-Skeleton-root').count()).toBe(0);
    const nav = authorPage.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Collection types').waitFor();
    expect(await nav.getByRole('link', { name: 'API tokens' }).count()).toBe(0);

    // The root admin's articles exist, but the Author's list holds only their own.
    await nav.getByRole('link', { name: 'Article' }).click();
    await authorPage.getByText('No entries yet').waitFor();
    await authorPage.getByRole('link', { name: 'Create new entry' }).click();
    await authorPage.getByLabel(/^Title/).fill('My first draft');
    const titleInput = await authorPage.getByLabel(/^Title/).elementHandle();
    await authorPage.getByRole('button', { name: 'Save' }).click();
    await authorPage.waitForURL(/\/admin\/content\/api::article\.article\/[a-z0-9]{20,}$/);
    // The first save moves the editor to the document's URL without remounting it, so what is typed
    // right after is not lost (a remount used to reload the document and reset the form).
    await authorPage.waitForLoadState('networkidle');
    expect(await titleInput!.evaluate((input) => input.isConnected)).toBe(true);
    await authorPage.getByLabel(/^Title/).fill('My first draft, edited');
    await authorPage.getByRole('button', { name: 'Save' }).click();
    // Both saves notify "Saved": the server's copy tells that the edit went through.
    const documentId = authorPage.url().split('/').pop();
    await expect
      .poll(async () => (await cm('GET', `api::article.article/${documentId}`)).json().data.title)
      .toBe('My first draft, edited');

    await nav.getByRole('link', { name: 'Article' }).click();
    await authorPage.getByText('1 entry', { exact: true }).waitFor();
    await authorPage.context().close();
  });
});
