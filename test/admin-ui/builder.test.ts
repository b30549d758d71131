import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { adminSession, startUiNode, type UiNode } from './ui-node.js';

describe('admin UI: content-type builder', () => {
  let node: UiNode;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureAdminBuilt();
    [node, browser] = await Promise.all([startUiNode(), launchBrowser()]);
    const admin = await adminSession(node);
    page = await newPage(browser, node.url);
    await page.addInitScript(admin.init);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  it('creates a collection type with fields, live in the content manager and the API at once', async () => {
    await page.goto('/admin/builder');
    await page.getByRole('button', { name: 'Create a type' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/^Display name/)
      .fill('Recipe');
    expect(
      await page
        .getByRole('dialog')
        .getByLabel(/^Plural name/)
        .inputValue(),
    ).toBe('recipes');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Recipe' }).waitFor();

    for (const [name, type] of [
      ['name', 'string'],
      ['minutes', 'integer'],
    ]) {
      await page.getByRole('button', { name: 'Add a field' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(/^Field name/).fill(name);
      await dialog.getByRole('textbox', { name: 'Type' }).click();
      await page.getByRole('option', { name: type, exact: true }).click();
      await dialog.getByRole('button', { name: 'Add' }).click();
      await page.getByRole('table', { name: 'Fields' }).getByRole('cell', { name, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Recipe saved: live on every node').waitFor();
    await screenshot(page, 'builder');

    // Live without a restart: the content API serves it, the sidebar lists it.
    const write = await node.request({
      method: 'POST',
      url: '/api/recipes',
      body: { data: { name: 'Soup', minutes: 20 } },
    });
    expect(write.status, write.body).toBe(201);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Recipe' })
      .click();
    await page.getByRole('link', { name: 'Soup' }).waitFor();
  });

  it('edits the blocks format as blocks, with inline formatting (the kitchen article’s `content`)', async () => {
    await page.goto('/admin/content/api::article.article/new');
    await page.getByLabel(/^Title/).fill('Blocks');
    await page.getByRole('button', { name: 'Add a block to Content' }).click();
    await page.getByRole('textbox', { name: 'Block 1 text' }).fill('Intro');
    await page.getByRole('textbox', { name: 'Block 1 type' }).click();
    await page.getByRole('option', { name: 'Heading 2' }).click();
    await page.getByRole('button', { name: 'Add a block to Content' }).click();
    const body = page.getByRole('textbox', { name: 'Block 2 text' });
    await body.fill('Body text');
    // Select "text" and make it bold with the toolbar; then a link typed as markup.
    await body.evaluate((box) =>
      (box as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(5, 9),
    );
    await page.getByRole('button', { name: 'Bold block 2' }).click();
    await expect.poll(() => body.inputValue()).toBe('Body **text**');
    await body.press('End');
    await body.pressSequentially(' [docs](https://strapi.io)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/admin\/content\/api::article\.article\/[a-z0-9]{20,}$/);
    const documentId = page.url().split('/').pop();
    const read = await node.request({ url: `/api/articles/${documentId}?status=draft` });
    expect(read.json().data.content).toEqual([
      { type: 'heading', level: 2, children: [{ type: 'text', text: 'Intro' }] },
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'Body ' },
          { type: 'text', text: 'text', bold: true },
          { type: 'text', text: ' ' },
          { type: 'link', url: 'https://strapi.io', children: [{ type: 'text', text: 'docs' }] },
        ],
      },
    ]);
  });

  it('asks for confirmation before a change that deletes data', async () => {
    await page.goto('/admin/builder/api::recipe.recipe');
    await page.getByRole('button', { name: 'Remove field minutes' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    const confirm = page.getByRole('dialog', { name: 'This change deletes data' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Delete the data and apply' }).click();
    await page.getByText('Recipe saved: live on every node').waitFor();
    const read = await node.request({ url: '/api/recipes' });
    expect(read.json().data[0]).not.toHaveProperty('minutes');
  });
});
