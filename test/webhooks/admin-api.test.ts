import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestResponse } from '../helpers/node.js';
import { ALL_ENTRY_EVENTS, startWebhookNode, type WebhookNode } from './support.js';

function expectError(response: TestResponse, status: number, name: string, message?: RegExp): void {
  expect(response.status, response.body).toBe(status);
  const body = response.json();
  expect(body.data).toBeNull();
  expect(body.error).toMatchObject({ status, name });
  if (message) expect(body.error.message).toMatch(message);
}

describeEachDatabase('webhooks admin API', (kind) => {
  let n: WebhookNode;
  beforeAll(async () => {
    n = await startWebhookNode(kind);
  });
  afterAll(() => n?.close());

  it('creates, lists, reads, updates and deletes webhooks; the secret is shown once and sealed at rest', async () => {
    const created = await n.adminRequest('POST', '/webhooks', {
      name: 'Site rebuild',
      url: 'https://example.com/hooks/rebuild?key=abc',
      headers: { Authorization: 'Bearer x' },
      events: ['entry.publish', 'entry.unpublish'],
    });
    expect(created.status, created.body).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { secret, ...webhook } = created.json().data;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({
      name: 'Site rebuild',
      url: 'https://example.com/hooks/rebuild?key=abc',
      // Header values never leave the server (headers.test.ts).
      headers: { Authorization: '********' },
      events: ['entry.publish', 'entry.unpublish'],
      enabled: true,
    });

    const [row] = await n.sql<{ secret: string }>(
      'select secret from quorum_webhooks where id = ?',
      webhook.id,
    );
    expect(row.secret).not.toContain(secret.slice(6));
    expect(row.secret).toMatch(/^v1\./);

    const list = await n.adminRequest('GET', '/webhooks');
    expect(list.json().data).toEqual([webhook]);
    expect(list.body).not.toContain('whsec_');
    expect((await n.adminRequest('GET', `/webhooks/${webhook.id}`)).json().data).toEqual(webhook);

    const updated = await n.adminRequest('PUT', `/webhooks/${webhook.id}`, {
      enabled: false,
      events: ALL_ENTRY_EVENTS,
    });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json().data).toMatchObject({
      enabled: false,
      events: ALL_ENTRY_EVENTS,
      name: 'Site rebuild',
    });

    const regenerated = await n.adminRequest('POST', `/webhooks/${webhook.id}/secret`);
    expect(regenerated.status).toBe(200);
    expect(regenerated.json().data.secret).toMatch(/^whsec_/);
    expect(regenerated.json().data.secret).not.toBe(secret);

    const deliveries = await n.adminRequest('GET', `/webhooks/${webhook.id}/deliveries?page=1&pageSize=5`);
    expect(deliveries.json()).toEqual({
      data: { results: [], pagination: { page: 1, pageSize: 5, pageCount: 0, total: 0 } },
    });

    const removed = await n.adminRequest('DELETE', `/webhooks/${webhook.id}`);
    expect(removed.status).toBe(200);
    expect(removed.json().data.id).toBe(webhook.id);
    expectError(
      await n.adminRequest('GET', `/webhooks/${webhook.id}`),
      404,
      'NotFoundError',
      /Webhook not found/,
    );
  });

  it('answers bad input with a 4xx in Strapi’s error shape', async () => {
    const valid = { name: 'ok', url: 'http://127.0.0.1:9/hook', events: ['entry.create'] };
    const bad: [unknown, RegExp][] = [
      [{ ...valid, url: 'ftp://example.com/x' }, /url/],
      [{ ...valid, url: 'not a url' }, /url/],
      [{ ...valid, url: 'javascript:alert(1)' }, /url/],
      [{ ...valid, url: 42 }, /url/],
      [{ ...valid, events: ['entry.explode'] }, /events/],
      [{ ...valid, events: 'entry.create' }, /events/],
      [{ ...valid, events: ['entry.create', 'entry.create'] }, /events/],
      [{ ...valid, name: '  ' }, /name/],
      [{ url: valid.url, events: valid.events }, /name/],
      [{ ...valid, surprise: true }, /surprise/],
      [{ ...valid, headers: { 'X-Quorum-Signature': 'forged' } }, /headers/],
      [{ ...valid, headers: { 'Content-Type': 'text/plain' } }, /headers/],
      [{ ...valid, headers: { 'bad header': 'x' } }, /headers/],
      [{ ...valid, headers: { 'X-Ok': 'line\r\nInjected: yes' } }, /headers/],
      [{ ...valid, headers: { 'X-Ok': 5 } }, /headers/],
      [{ ...valid, enabled: 'yes' }, /enabled/],
      [[], /JSON object/],
    ];
    for (const [body, message] of bad) {
      const response = await n.adminRequest('POST', '/webhooks', body);
      expectError(response, 400, 'ValidationError');
      expect(JSON.stringify(response.json().error), JSON.stringify(body)).toMatch(message);
    }
    const raw = await n.t.request({
      method: 'POST',
      url: '/admin/api/webhooks',
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
      auth: n.admin,
    });
    expect(raw.status).toBe(400);
    expect(raw.json().error.status).toBe(400);

    const { id } = await n.createWebhook(valid);
    expectError(
      await n.adminRequest('PUT', `/webhooks/${id}`, { url: 'mailto:x@y.z' }),
      400,
      'ValidationError',
    );
    expectError(await n.adminRequest('PUT', `/webhooks/${id}`, { id: 5 }), 400, 'ValidationError');
    for (const path of ['/webhooks/abc', '/webhooks/0', '/webhooks/99999', '/webhooks/99999999999999'])
      expectError(await n.adminRequest('GET', path), 404, 'NotFoundError');
    expectError(await n.adminRequest('PUT', '/webhooks/99999', { name: 'x' }), 404, 'NotFoundError');
    expectError(await n.adminRequest('DELETE', '/webhooks/99999'), 404, 'NotFoundError');
    expectError(await n.adminRequest('POST', '/webhooks/99999/test'), 404, 'NotFoundError');
    expectError(await n.adminRequest('POST', '/webhooks/99999/secret'), 404, 'NotFoundError');
    expectError(await n.adminRequest('GET', '/webhooks/99999/deliveries'), 404, 'NotFoundError');
    expectError(
      await n.adminRequest('GET', `/webhooks/${id}/deliveries?status=lost`),
      400,
      'ValidationError',
      /status/,
    );
    expectError(
      await n.adminRequest('GET', `/webhooks/${id}/deliveries?page=0`),
      400,
      'ValidationError',
      /page/,
    );
    expectError(
      await n.adminRequest('GET', `/webhooks/${id}/deliveries?pageSize=1000`),
      400,
      'ValidationError',
    );
    expectError(
      await n.adminRequest('GET', `/webhooks/${id}/deliveries?status[a]=b`),
      400,
      'ValidationError',
    );
    expectError(
      await n.adminRequest('POST', `/webhooks/${id}/deliveries/1/replay`),
      404,
      'NotFoundError',
      /Delivery/,
    );
    expectError(await n.adminRequest('POST', `/webhooks/${id}/deliveries/x/replay`), 404, 'NotFoundError');
    for (const body of [
      {},
      { status: 'delivered' },
      { since: 'yesterday' },
      { since: '2024-13-45T00:00:00Z' },
      { since: 5 },
      { status: 'dead', since: '2024-01-01T00:00:00Z' },
    ])
      expectError(await n.adminRequest('POST', `/webhooks/${id}/replay`, body), 400, 'ValidationError');
    expectError(
      await n.adminRequest('POST', '/webhooks/99999/replay', { status: 'dead' }),
      404,
      'NotFoundError',
    );
  });

  it('requires an admin with the webhook permissions', async () => {
    expectError(await n.t.request({ url: '/admin/api/webhooks', auth: 'none' }), 401, 'UnauthorizedError');
    expectError(await n.t.request({ url: '/admin/api/webhooks', auth: 'full' }), 401, 'UnauthorizedError');
    // An editor manages content, not settings.
    const roles = await n.adminRequest('GET', '/roles');
    const editor = roles.json().data.find((r: { code: string }) => r.code === 'strapi-editor').id;
    const user = await n.adminRequest('POST', '/users', {
      email: 'editor@example.com',
      password: 'editorpass1',
      firstname: 'Ed',
      roles: [editor],
    });
    expect(user.status, user.body).toBe(201);
    const login = await n.t.request({
      method: 'POST',
      url: '/admin/api/login',
      body: { email: 'editor@example.com', password: 'editorpass1' },
      auth: 'none',
    });
    const auth = `Bearer ${login.json().data.token}`;
    expectError(await n.t.request({ url: '/admin/api/webhooks', auth }), 403, 'ForbiddenError');
    expectError(
      await n.t.request({
        method: 'POST',
        url: '/admin/api/webhooks',
        body: { name: 'x', url: 'http://a.b/', events: [] },
        auth,
      }),
      403,
      'ForbiddenError',
    );
    const actions = await n.adminRequest('GET', '/permissions');
    expect(JSON.stringify(actions.json())).toContain('admin::webhooks.create');
  });
});
