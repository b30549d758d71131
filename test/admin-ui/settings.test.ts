import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FAST_WEBHOOKS } from '../webhooks/support.js';
import { ensureAdminBuilt, launchBrowser, newPage, screenshot } from './browser.js';
import { adminSession, startUiNode, type UiNode } from './ui-node.js';

describe('admin UI: settings (API tokens, end users and their permissions, webhooks, administrators)', () => {
  let node: UiNode;
  let browser: Browser;
  let page: Page;
  let admin: { auth: string; init: string };
  let receiver: Server;
  let receiverUrl: string;
  const received: string[] = [];
  const authorizations: string[] = [];

  beforeAll(async () => {
    ensureAdminBuilt();
    receiver = createServer((req, res) => {
      received.push(String(req.headers['x-strapi-event']));
      if (req.headers.authorization) authorizations.push(req.headers.authorization);
      req.resume();
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    [node, browser] = await Promise.all([startUiNode({ webhooks: FAST_WEBHOOKS }), launchBrowser()]);
    admin = await adminSession(node);
    page = await newPage(browser, node.url);
    await page.addInitScript(admin.init);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await node?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('creates an API token, shows it once with a copy button, and the token works on /api', async () => {
    await page.goto('/admin/settings/api-tokens');
    await page.getByRole('button', { name: 'Create new API token' }).click();
    await page.getByRole('dialog').getByLabel(/^Name/).fill('Website build');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByText('Copy it now: it will not be shown again.').waitFor();
    await page.getByRole('button', { name: 'Copy to clipboard' }).waitFor();
    await screenshot(page, 'api-token-created');
    const secret = (await page.getByTestId('secret-value').innerText()).trim();
    expect(secret.length).toBeGreaterThan(40);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'Website build' }).waitFor();
    expect((await node.request({ url: '/api/articles', auth: `Bearer ${secret}` })).status).toBe(200);
  });

  it('grants Public read in the permission matrix, and /api answers without credentials', async () => {
    const created = await node.request({
      method: 'POST',
      url: '/admin/api/content-manager/collection-types/api::article.article',
      body: { data: { title: 'Public news' } },
      auth: admin.auth,
    });
    await node.request({
      method: 'POST',
      url: `/admin/api/content-manager/collection-types/api::article.article/${created.json().data.documentId}/publish`,
      auth: admin.auth,
    });
    expect((await node.request({ url: '/api/articles', auth: 'none' })).status).toBe(403);

    await page.goto('/admin/settings/roles');
    await page.getByRole('button', { name: /^Public/ }).click();
    await page.getByRole('checkbox', { name: 'Article find', exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Public saved').waitFor();
    await screenshot(page, 'permissions', { fullPage: true });
    await expect
      .poll(async () => (await node.request({ url: '/api/articles', auth: 'none' })).status, {
        timeout: 15_000,
      })
      .toBe(200);
    expect((await node.request({ url: '/api/articles', auth: 'none' })).json().data[0].title).toBe(
      'Public news',
    );
  });

  it('registers a webhook, shows its secret once, and lists a delivery after a write', async () => {
    await page.goto('/admin/settings/webhooks');
    await page.getByRole('button', { name: 'Create new webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('Search indexer');
    await dialog.getByLabel(/^URL/).fill(receiverUrl);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Copy it now: it will not be shown again.').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();

    await node.request({
      method: 'POST',
      url: '/admin/api/content-manager/collection-types/api::article.article',
      body: { data: { title: 'Hooked' } },
      auth: admin.auth,
    });
    await page.getByRole('button', { name: 'Deliveries' }).click();
    // The log refreshes by itself: the delivery shows up, then turns delivered.
    await page.getByRole('table', { name: 'Deliveries' }).getByText('delivered', { exact: true }).waitFor();
    expect(received).toContain('entry.create');
    await screenshot(page, 'webhooks');
  });

  it('edits a webhook whose header values it is only shown masked, and the stored values stay', async () => {
    const created = await node.request({
      method: 'POST',
      url: '/admin/api/webhooks',
      body: {
        name: 'Authorized hook',
        url: receiverUrl,
        headers: { Authorization: 'Bearer kept-by-the-ui' },
        events: ['entry.update'],
      },
      auth: admin.auth,
    });
    expect(created.status, created.body).toBe(201);
    await page.goto('/admin/settings/webhooks');
    const card = page
      .locator('div', { has: page.getByText('Authorized hook', { exact: true }) })
      .filter({ has: page.getByRole('button', { name: 'Edit' }) })
      .last();
    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    const headers = await dialog.getByLabel(/^Headers/).inputValue();
    expect(JSON.parse(headers)).toEqual({ Authorization: '********' });
    await dialog.getByLabel(/^Name/).fill('Authorized hook, renamed');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Authorized hook, renamed', { exact: true }).waitFor();

    const test = await node.request({
      method: 'POST',
      url: `/admin/api/webhooks/${created.json().data.id}/test`,
      auth: admin.auth,
    });
    expect(test.status).toBe(202);
    await expect.poll(() => authorizations, { timeout: 20_000 }).toContain('Bearer kept-by-the-ui');
    expect(authorizations).not.toContain('********');
  });

  it('lists administrators; blocking one is optimistic and rolls back visibly when the server refuses', async () => {
    const roles = await node.request({ url: '/admin/api/roles', auth: admin.auth });
    const editor = roles.json().data.find((r: { code: string }) => r.code === 'strapi-editor');
    const created = await node.request({
      method: 'POST',
      url: '/admin/api/users',
      body: { email: 'second@example.com', password: 'Correct-horse-9', roles: [editor.id] },
      auth: admin.auth,
    });
    expect(created.status, created.body).toBe(201);

    await page.goto('/admin/settings/admin-users');
    await page.getByRole('cell', { name: 'editor@example.com', exact: true }).waitFor();
    await page.getByText('Super Admin').waitFor();
    const toggle = page.getByRole('switch', { name: 'second@example.com may log in' });
    await expect.poll(() => toggle.isChecked()).toBe(true);

    await page.route('**/admin/api/users/*', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({
              data: null,
              error: { status: 500, name: 'InternalServerError', message: 'Refused in a test', details: {} },
            }),
          })
        : route.continue(),
    );
    await toggle.click({ force: true });
    await page.getByText('Refused in a test').waitFor();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await page.unroute('**/admin/api/users/*');

    await toggle.click({ force: true });
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect
      .poll(
        async () =>
          (await node.request({ url: `/admin/api/users/${created.json().data.id}`, auth: admin.auth })).json()
            .data.blocked,
      )
      .toBe(true);
  });

  it('lists end users with search; blocking one or changing their role takes effect on /api', async () => {
    for (const username of ['ada', 'grace']) {
      const registered = await node.request({
        method: 'POST',
        url: '/api/auth/local/register',
        body: { username, email: `${username}@example.com`, password: 'Correct-horse-9' },
        auth: 'none',
      });
      expect(registered.status, registered.body).toBe(200);
    }
    await page.goto('/admin/settings/users');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await page.getByRole('textbox', { name: 'Search users' }).fill('ada');
    await expect.poll(() => table.getByRole('row').count()).toBe(2); // the header and ada
    await screenshot(page, 'end-users');

    // A role change and a block, each read back from the server.
    const roles = (await node.request({ url: '/admin/api/users-permissions/roles', auth: admin.auth })).json()
      .data as { id: number; type: string; name: string }[];
    const publicRole = roles.find((r) => r.type === 'public')!;
    await page.getByRole('textbox', { name: 'Role of ada' }).click();
    await page.getByRole('option', { name: publicRole.name }).click();
    const ada = async () =>
      (await node.request({ url: '/admin/api/end-users?_q=ada', auth: admin.auth })).json().data.results[0];
    await expect.poll(async () => (await ada()).role?.id).toBe(publicRole.id);

    await page.getByRole('switch', { name: 'Block ada' }).click({ force: true });
    await expect.poll(async () => (await ada()).blocked).toBe(true);
    const login = await node.request({
      method: 'POST',
      url: '/api/auth/local',
      body: { identifier: 'ada', password: 'Correct-horse-9' },
      auth: 'none',
    });
    expect(login.status).toBe(400);
    expect(login.json().error.message).toBe('Your account has been blocked by an administrator');
  });

  it('creates an administrator role and grants it content permissions, limited to its own documents', async () => {
    await page.goto('/admin/settings/admin-roles');
    await page.getByRole('button', { name: 'Create a role' }).click();
    await page.getByRole('dialog').getByLabel(/^Name/).fill('Reviewers');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Reviewers' }).waitFor();
    await page.getByRole('checkbox', { name: 'Article read', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Article update', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Article: own documents only' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Reviewers saved').waitFor();

    const roles = (await node.request({ url: '/admin/api/roles', auth: admin.auth })).json().data;
    const id = roles.find((r: { name: string }) => r.name === 'Reviewers').id;
    const granted = (
      await node.request({ url: `/admin/api/roles/${id}/permissions`, auth: admin.auth })
    ).json().data;
    expect(
      granted
        .map((p: { action: string; subject: string; conditions: string[] }) => [
          p.action,
          p.subject,
          p.conditions,
        ])
        .sort(),
    ).toEqual([
      ['plugin::content-manager.explorer.read', 'api::article.article', ['admin::is-creator']],
      ['plugin::content-manager.explorer.update', 'api::article.article', ['admin::is-creator']],
    ]);
  });
});
