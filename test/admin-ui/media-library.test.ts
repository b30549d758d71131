import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { uploadsFolder } from '../media/helpers.js';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { adminSession, startUiNode, type UiNode } from './ui-node.js';

const ARTICLE_UID = 'api::article.article';

describe('admin UI: media library and media fields', () => {
  let node: UiNode;
  let browser: Browser;
  let page: Page;
  let admin: { auth: string; init: string };
  let documentId: string;

  beforeAll(async () => {
    ensureAdminBuilt();
    [node, browser] = await Promise.all([
      startUiNode({ upload: { local: { folder: uploadsFolder() } } }, 'media'),
      launchBrowser(),
    ]);
    admin = await adminSession(node);
    const created = await node.request({
      method: 'POST',
      url: `/admin/api/content-manager/collection-types/${ARTICLE_UID}`,
      body: { data: { title: 'Sunsets' } },
      auth: admin.auth,
    });
    expect(created.status, created.body).toBe(201);
    documentId = created.json().data.documentId;
    page = await newPage(browser, node.url);
    await page.addInitScript(admin.init);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  it('uploads (picker, drop), edits alt text, deletes, fills single and multiple media fields; /api returns them', async () => {
    const image = await sharp({
      create: { width: 640, height: 400, channels: 3, background: { r: 230, g: 120, b: 40 } },
    })
      .png()
      .toBuffer();

    await page.goto('/admin');
    await page.getByRole('link', { name: 'Media library' }).click();
    await page.getByRole('heading', { name: 'Media library' }).waitFor();
    await page.getByLabel('Files to upload').setInputFiles({
      name: 'sunset.png',
      mimeType: 'image/png',
      buffer: image,
    });
    await page.getByText('Uploaded', { exact: true }).waitFor();
    expect(
      await page.getByRole('progressbar', { name: 'Upload of sunset.png' }).getAttribute('aria-valuenow'),
    ).toBe('100');
    // The grid shows the server's thumbnail format, not the original.
    const card = page.getByRole('article', { name: 'sunset.png' });
    const thumbnail = card.getByRole('img', { name: 'sunset.png' });
    await thumbnail.waitFor();
    expect(await thumbnail.getAttribute('src')).toMatch(/^\/uploads\/thumbnail_/);

    await card.getByRole('button', { name: 'Edit sunset.png' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit sunset.png' });
    await dialog.getByLabel('Alternative text').fill('An orange sunset');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('img', { name: 'An orange sunset' }).waitFor();
    await screenshot(page, 'media-library');

    // Drag and drop (a DataTransfer built in the page, as a drop from the desktop delivers it), then
    // delete after the confirmation.
    const dropped = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File(['draft'], 'dropped.txt', { type: 'text/plain' })); return t; })()`,
    );
    await page.getByRole('group', { name: /^Upload files/ }).dispatchEvent('drop', { dataTransfer: dropped });
    const droppedCard = page.getByRole('article', { name: 'dropped.txt' });
    await droppedCard.getByRole('img', { name: 'Text file dropped.txt' }).waitFor();
    await droppedCard.getByRole('button', { name: 'Delete dropped.txt' }).click();
    await page
      .getByRole('dialog', { name: 'Delete dropped.txt?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await droppedCard.waitFor({ state: 'detached' });

    // The entry's single media field: pick the file in the library, save, publish.
    await page.goto(`/admin/content/${ARTICLE_UID}/${documentId}`);
    await page.getByRole('button', { name: 'Choose Cover' }).click();
    const picker = page.getByRole('dialog', { name: /Cover: choose a file/ });
    await picker.getByRole('checkbox', { name: 'sunset.png' }).check();
    await picker.getByRole('button', { name: 'Use the selection' }).click();
    await page.getByRole('group', { name: 'Cover' }).getByText('sunset.png').waitFor();

    // The multiple field: an existing file plus one uploaded from the picker (selected as it arrives),
    // then reordered.
    await page.getByRole('button', { name: 'Choose Gallery' }).click();
    const gallery = page.getByRole('dialog', { name: /Gallery: choose files/ });
    await gallery.getByRole('checkbox', { name: 'sunset.png' }).check();
    await gallery.getByLabel('Files to upload').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Sunset notes'),
    });
    await gallery.getByRole('checkbox', { name: 'notes.txt', checked: true }).waitFor();
    await gallery.getByRole('button', { name: 'Use the selection' }).click();
    await page.getByRole('button', { name: 'Move notes.txt up' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Move notes.txt up' }).isDisabled()).toBe(true);
    // An image block in the blocks field, its file chosen in the library.
    await page.getByRole('button', { name: 'Add a block to Body' }).click();
    await page.getByRole('textbox', { name: 'Block 1 type' }).click();
    await page.getByRole('option', { name: 'Image' }).click();
    await page.getByRole('button', { name: 'Choose image block 1' }).click();
    const imagePicker = page.getByRole('dialog', { name: /Image of block 1: choose a file/ });
    await imagePicker.getByRole('checkbox', { name: 'sunset.png' }).check();
    await imagePicker.getByRole('button', { name: 'Use the selection' }).click();
    await page.getByRole('button', { name: 'Replace image block 1' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published', { exact: true }).first().waitFor();

    // Through the content API, with a read-only API token created for this test.
    const token = await node.request({
      method: 'POST',
      url: '/admin/api/api-tokens',
      body: { name: 'site', type: 'read-only' },
      auth: admin.auth,
    });
    expect(token.status, token.body).toBe(201);
    const article = await node.request({
      url: '/api/articles?populate[0]=cover&populate[1]=gallery',
      auth: `Bearer ${token.json().data.accessKey}`,
    });
    expect(article.status, article.body).toBe(200);
    expect(article.json().data).toMatchObject([
      {
        title: 'Sunsets',
        cover: { name: 'sunset.png', alternativeText: 'An orange sunset', mime: 'image/png' },
        body: [
          {
            type: 'image',
            image: { name: 'sunset.png', alternativeText: 'An orange sunset', mime: 'image/png' },
            children: [{ type: 'text', text: '' }],
          },
        ],
      },
    ]);
  });
});
