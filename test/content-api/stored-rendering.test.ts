import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { findDocuments, renderDocuments } from '../../src/core/documents/find.js';
import type { ContentType } from '../../src/core/schema/model.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, copyFixtureApp } from '../helpers/node.js';

/**
 * On SQLite every content-type row keeps its default document rendered as JSON (quorum_json), kept by
 * triggers and used by reads only when its shape matches the reader's own (core/query/render.ts). The
 * stored text must never show anything but what the object path reads: after every kind of write,
 * after a write that bypasses the core, after a schema change, and when a row carries a stale shape.
 */
const AUTHOR_FILE = 'src/api/author/content-types/author/schema.json';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe('documents stored rendered in their rows (SQLite)', () => {
  let db: TestDatabase;
  let appDir: string;
  let node: QuorumNode;
  let token: string;

  async function start(): Promise<void> {
    const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
    node = await createNode(loadConfig({ appDir, env }), { logger, env });
    token = (await node.tokens.create({ name: `t${Date.now()}${Math.random()}`, type: 'full-access' })).token;
  }

  async function send(method: 'POST' | 'PUT' | 'DELETE', url: string, data?: unknown) {
    const res = await node.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: data === undefined ? undefined : JSON.stringify({ data }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.body ? res.json().data : undefined;
  }

  function type(name: string): ContentType {
    return node.core.schema().byRouteName(name) as ContentType;
  }

  /** Rendered and object reads of every status agree, and the published list came from stored text. */
  async function expectReadsAgree(name: string, populate: unknown = undefined): Promise<string> {
    let published = '';
    for (const status of ['published', 'draft']) {
      const input = { params: { status, sort: 'id', populate } };
      const statements: string[] = [];
      const stop = node.database.onQuery((event) => statements.push(event.sql));
      const rendered = await renderDocuments(node.core, type(name), input).finally(stop);
      const objects = await findDocuments(node.core, type(name), input);
      expect(rendered.data).toBe(JSON.stringify(objects.data));
      expect(statements.some((text) => text.includes('"quorum_json"'))).toBe(true);
      if (status === 'published') published = rendered.data;
    }
    return published;
  }

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    appDir = copyFixtureApp('relations');
    await start();
  });
  afterAll(async () => {
    await node.stop({ drainMs: 0 });
    await db.drop();
    rmSync(appDir, { recursive: true, force: true });
  });

  it('stays current through creates, updates, drafts, publishing and deletes', async () => {
    const ann = await send('POST', '/api/authors', { name: 'Ann', email: 'ann@example.com' });
    const draft = await send('POST', '/api/authors?status=draft', { name: 'Dee "draft"' });
    await send('PUT', `/api/authors/${ann.documentId}`, { name: 'Ann \u2028 renamed' });
    await send('PUT', `/api/authors/${draft.documentId}?status=draft`, { name: 'Dee edited' });
    const gone = await send('POST', '/api/authors', { name: 'Gone' });
    await send('DELETE', `/api/authors/${gone.documentId}`);
    await send('POST', '/api/articles', { title: 'A1', author: ann.documentId });
    await send('POST', '/api/articles', { title: 'A2', author: draft.documentId });

    const authors = await expectReadsAgree('authors');
    expect(authors).toContain('Ann \u2028 renamed');
    expect(authors).not.toContain('Gone');
    // Private attributes are not part of the stored document.
    expect(authors).not.toContain('ann@example.com');
    const articles = await expectReadsAgree('articles', { author: true });
    expect(
      JSON.parse(articles).map((a: { author: { name: string } | null }) => a.author?.name ?? null),
    ).toEqual(['Ann \u2028 renamed', null]);
  });

  it('follows writes that bypass the core, and ignores rows whose shape is not the reader’s', async () => {
    const authors = type('authors').tableName;
    await sql`update ${sql.table(authors)} set name = 'Changed in SQL' where name = 'Ann \u2028 renamed'`.execute(
      node.database.db,
    );
    expect(await expectReadsAgree('authors')).toContain('Changed in SQL');

    // A stale shape (a row rendered by another schema version) is rendered live instead of trusted.
    await sql`update ${sql.table(authors)} set quorum_json = '{"id":0,"bogus":true', quorum_shape = 'old'`.execute(
      node.database.db,
    );
    const read = await expectReadsAgree('authors');
    expect(read).not.toContain('bogus');
    expect(read).toContain('Changed in SQL');

    // A restart on the same schema does not scan the tables again (the triggers kept this shape), so the
    // stale rows stay as they are, and are still rendered live.
    await node.stop({ drainMs: 0 });
    await start();
    const { rows } = await sql<{
      quorum_shape: string;
    }>`select quorum_shape from ${sql.table(authors)}`.execute(node.database.db);
    expect(new Set(rows.map((row) => row.quorum_shape))).toEqual(new Set(['old']));
    expect(await expectReadsAgree('authors')).not.toContain('bogus');
  });

  it('renders every row again when the schema changes the default document', async () => {
    await node.stop({ drainMs: 0 });
    const file = path.join(appDir, AUTHOR_FILE);
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    schema.attributes.motto = { type: 'string', default: 'Write less' };
    writeFileSync(file, JSON.stringify(schema, null, 2));
    await start();

    const { rows } = await sql<{ quorum_json: string | null }>`select quorum_json from ${sql.table(
      type('authors').tableName,
    )}`.execute(node.database.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.quorum_json).toContain('"motto":');
    const read = await expectReadsAgree('authors');
    expect(read).not.toContain('bogus');
    await expectReadsAgree('articles', { author: true });
  });
});
