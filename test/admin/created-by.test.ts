import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createDocument, updateDocument } from '../../src/core/documents/write.js';
import { createNode } from '../../src/node/node.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET, startTestNode, type TestNode } from '../helpers/node.js';
import { expectError } from './helpers.js';

describeEachDatabase('content tables record the admin behind a write', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  const type = () => t.node.core.schema().contentTypes.get('api::article.article')!;
  const rows = (documentId: string) =>
    t.node.database.db
      .selectFrom('articles')
      .select(['published_at', 'created_by_id', 'updated_by_id'])
      .where('document_id', '=', documentId)
      .orderBy('id')
      .execute();

  it('sets created_by_id and updated_by_id on every row of the document, never shown by the API', async () => {
    const created = await createDocument(t.node.core, type(), {
      data: { title: 'By an admin' },
      params: {},
      actor: { adminId: 7 },
    });
    const documentId = created.documentId as string;
    expect(created).not.toHaveProperty('created_by_id');
    const written = await rows(documentId);
    expect(written).toHaveLength(2);
    for (const row of written) expect(row).toMatchObject({ created_by_id: 7, updated_by_id: 7 });

    await updateDocument(t.node.core, type(), documentId, {
      data: { title: 'Edited' },
      params: {},
      actor: { adminId: 9 },
    });
    for (const row of await rows(documentId))
      expect(row).toMatchObject({ created_by_id: 7, updated_by_id: 9 });

    // A write without an actor (the content API) keeps them, also on the newly published row.
    const put = await t.request({
      method: 'PUT',
      url: `/api/articles/${documentId}`,
      body: { data: { title: 'Via API' } },
    });
    expect(put.status, put.body).toBe(200);
    for (const row of await rows(documentId))
      expect(row).toMatchObject({ created_by_id: 7, updated_by_id: 9 });

    const read = await t.request({ url: `/api/articles/${documentId}?fields=*` });
    expect(read.status).toBe(200);
    expect(read.body).not.toMatch(/created_?by|updated_?by/i);
    expectError(await t.request({ url: '/api/articles?filters[created_by_id]=7' }), 400);
    expectError(await t.request({ url: '/api/articles?sort=created_by_id' }), 400);
    expectError(
      await t.request({
        method: 'POST',
        url: '/api/articles',
        body: { data: { title: 'x', created_by_id: 1 } },
      }),
      400,
    );
  });

  it('leaves them empty for writes that do not come from an admin', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Anonymous' } },
    });
    expect(created.status).toBe(201);
    for (const row of await rows(created.json().data.documentId))
      expect(row).toMatchObject({ created_by_id: null, updated_by_id: null });
  });

  it('adds the columns to content tables of a database created before them', async () => {
    const db = t.node.database.db;
    for (const table of ['articles', 'tags', 'homepages', 'settings', 'up_users']) {
      await sql`alter table ${sql.id(table)} drop column created_by_id`.execute(db);
      await sql`alter table ${sql.id(table)} drop column updated_by_id`.execute(db);
    }
    await db.deleteFrom('quorum_migrations').where('name', '=', '0301-content-authors').execute();
    const env = { DATABASE_URL: t.db.url, QUORUM_SECRET: TEST_SECRET };
    const node = await createNode(loadConfig({ appDir: t.appDir, env }), {
      logger: pino({ level: 'silent' }),
      env,
    });
    try {
      for (const table of [
        'articles',
        'tags',
        'homepages',
        'settings',
        'up_users',
        'up_roles',
        'up_permissions',
      ]) {
        const { rows: found } = await sql<{
          created_by_id: number | null;
        }>`select created_by_id, updated_by_id from ${sql.id(table)} limit 1`.execute(db);
        expect(Array.isArray(found), table).toBe(true);
      }
      const created = await createDocument(node.core, type(), {
        data: { title: 'After' },
        params: {},
        actor: { adminId: 3 },
      });
      for (const row of await rows(created.documentId as string)) expect(row.created_by_id).toBe(3);
    } finally {
      await node.stop({ drainMs: 0 });
    }
  });
});
