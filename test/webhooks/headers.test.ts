import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applySystemMigrations } from '../../src/db/system/apply.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { Receiver, type Received } from './receiver.js';
import { eventually, startWebhookNode, type WebhookNode } from './support.js';

/**
 * A webhook's own headers (issue 16): often a receiver's credentials, so they are sealed at rest like the
 * signing secret and the admin API answers only their names, each with a fixed mask; an edit that sends
 * the mask back keeps the stored value. Rows stored in plain text before keep working and are sealed.
 * Deliveries say who sends them: `User-Agent: Quorum/<version>` (webhooks.userAgent), not Node's `node`.
 * (Strapi answers a webhook's headers in clear to anyone who may read webhooks; Quorum does not.)
 */

const MASK = '********';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describeEachDatabase('webhook headers', (kind) => {
  let n: WebhookNode;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await Receiver.start();
    receivers.push(r);
    return r;
  };
  beforeAll(async () => {
    n = await startWebhookNode(kind);
  });
  afterAll(async () => {
    await n?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** Sends a test event to the webhook and waits for the receiver to get it. */
  async function delivered(id: number, r: Receiver): Promise<Received> {
    const before = r.requests.length;
    expect((await n.adminRequest('POST', `/webhooks/${id}/test`)).status).toBe(202);
    return eventually('a test delivery', () => r.requests[before]);
  }

  async function row(id: number) {
    const [stored] = await n.sql<{ headers: unknown; sealed_headers: string | null }>(
      'select headers, sealed_headers from quorum_webhooks where id = ?',
      id,
    );
    return { ...stored, text: JSON.stringify(stored) };
  }

  it('answers header names with a mask, seals the values at rest, and sends them in clear', async () => {
    const r = await receiver();
    const headers = { Authorization: 'Bearer receiver-credential', 'X-Tenant': 'tenant-7' };
    const created = await n.adminRequest('POST', '/webhooks', {
      name: 'masked',
      url: r.url,
      headers,
      events: ['entry.create'],
    });
    expect(created.status, created.body).toBe(201);
    const { id } = created.json().data;
    const masked = { Authorization: MASK, 'X-Tenant': MASK };
    expect(created.json().data.headers).toEqual(masked);
    for (const response of [
      created,
      await n.adminRequest('GET', '/webhooks'),
      await n.adminRequest('GET', `/webhooks/${id}`),
      await n.adminRequest('PUT', `/webhooks/${id}`, { name: 'masked again' }),
    ]) {
      expect(response.body).not.toContain('receiver-credential');
      expect(response.body).not.toContain('tenant-7');
    }
    expect((await n.adminRequest('GET', `/webhooks/${id}`)).json().data.headers).toEqual(masked);

    const stored = await row(id);
    expect(stored.sealed_headers).toMatch(/^v1\./);
    expect(stored.text).not.toContain('receiver-credential');
    expect(stored.text).not.toContain('Authorization');

    const request = await delivered(id, r);
    expect(request.headers.authorization).toBe('Bearer receiver-credential');
    expect(request.headers['x-tenant']).toBe('tenant-7');

    const removed = await n.adminRequest('DELETE', `/webhooks/${id}`);
    expect(removed.json().data.headers).toEqual(masked);
    expect(removed.body).not.toContain('receiver-credential');
  });

  it('keeps the stored value of a header whose mask an edit sends back', async () => {
    const r = await receiver();
    const { id } = await n.createWebhook({
      url: r.url,
      headers: { Authorization: 'Bearer kept', 'X-Old': 'old' },
    });
    // What the admin UI does: send back what it got, with one value changed, one header renamed in
    // letter case, one removed and one added.
    const edited = await n.adminRequest('PUT', `/webhooks/${id}`, {
      headers: { authorization: MASK, 'X-New': 'new' },
    });
    expect(edited.status, edited.body).toBe(200);
    expect(edited.json().data.headers).toEqual({ authorization: MASK, 'X-New': MASK });
    const request = await delivered(id, r);
    expect(request.headers.authorization).toBe('Bearer kept');
    expect(request.headers['x-new']).toBe('new');
    expect(request.headers['x-old']).toBeUndefined();

    const replaced = await n.adminRequest('PUT', `/webhooks/${id}`, {
      headers: { Authorization: 'Bearer replaced', 'X-New': MASK },
    });
    expect(replaced.status, replaced.body).toBe(200);
    expect((await delivered(id, r)).headers.authorization).toBe('Bearer replaced');

    // A mask has nothing to keep for a header that is not stored: 400, on update and on create.
    const unknown = await n.adminRequest('PUT', `/webhooks/${id}`, { headers: { 'X-Missing': MASK } });
    expect(unknown.status, unknown.body).toBe(400);
    expect(unknown.json().error).toMatchObject({
      name: 'ValidationError',
      details: { errors: [{ path: ['headers', 'X-Missing'] }] },
    });
    const create = await n.adminRequest('POST', '/webhooks', {
      name: 'new',
      url: r.url,
      headers: { Authorization: MASK },
      events: ['entry.create'],
    });
    expect(create.status, create.body).toBe(400);
    expect((await delivered(id, r)).headers.authorization).toBe('Bearer replaced');
  });

  it('upgrades plain-text headers of an older database: read, delivered, then sealed at start', async () => {
    const r = await receiver();
    const { id } = await n.createWebhook({ url: r.url });
    const { db, dialect } = n.t.node.database;
    // The database as the previous version left it: migration 0402 not applied, headers in plain JSON.
    await sql`alter table quorum_webhooks drop column sealed_headers`.execute(db);
    await db.deleteFrom('quorum_migrations').where('name', '=', '0402-webhook-sealed-headers').execute();
    await sql`update quorum_webhooks set headers = ${dialect.toDb('json', { Authorization: 'Bearer legacy' })}
      where id = ${id}`.execute(db);
    const applied = await db.transaction().execute((trx) => applySystemMigrations(trx, dialect));
    expect(applied).toEqual(['0402-webhook-sealed-headers']);

    // Before a node seals it, the row is read in its plain form.
    expect((await n.adminRequest('GET', `/webhooks/${id}`)).json().data.headers).toEqual({
      Authorization: MASK,
    });
    expect((await delivered(id, r)).headers.authorization).toBe('Bearer legacy');

    const store = n.t.node.webhooks.store;
    expect(await store.sealPlaintextHeaders()).toBe(1);
    expect(await store.sealPlaintextHeaders()).toBe(0);
    const stored = await row(id);
    expect(stored.sealed_headers).toMatch(/^v1\./);
    expect(stored.text).not.toContain('legacy');
    expect((await n.adminRequest('GET', `/webhooks/${id}`)).json().data.headers).toEqual({
      Authorization: MASK,
    });
    expect((await delivered(id, r)).headers.authorization).toBe('Bearer legacy');
  });

  it('sends User-Agent: Quorum/<version>, which a webhook header may replace', async () => {
    const r = await receiver();
    const { id } = await n.createWebhook({ url: r.url });
    const request = await delivered(id, r);
    expect(request.headers['user-agent']).toBe(`Quorum/${VERSION}`);

    // One value, whatever the letter case of the webhook's header (fetch would join two spellings).
    await n.adminRequest('PUT', `/webhooks/${id}`, { headers: { 'user-agent': 'Receiver-Wants/1' } });
    expect((await delivered(id, r)).headers['user-agent']).toBe('Receiver-Wants/1');
  });
});

describeEachDatabase('webhooks.userAgent', (kind) => {
  let n: WebhookNode;
  let r: Receiver;
  beforeAll(async () => {
    r = await Receiver.start();
    n = await startWebhookNode(kind, { userAgent: 'Acme-Publisher/2.0 (+https://acme.example)' });
  });
  afterAll(async () => {
    await n?.close();
    await r?.close();
  });

  it('names the User-Agent of every delivery', async () => {
    const { id } = await n.createWebhook({ url: r.url });
    expect((await n.adminRequest('POST', `/webhooks/${id}/test`)).status).toBe(202);
    const request = await eventually('a test delivery', () => r.requests[0]);
    expect(request.headers['user-agent']).toBe('Acme-Publisher/2.0 (+https://acme.example)');
  });
});
