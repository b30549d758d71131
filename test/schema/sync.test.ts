import { changeSchemaAtRuntime } from '../../src/core/schema/runtime.js';
import { builtInSchemaFiles } from '../../src/node/schema-files.js';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type QuorumConfig } from '../../src/config/index.js';
import type { StoredDefinition } from '../../src/core/schema/build.js';
import { SchemaError } from '../../src/core/schema/errors.js';
import { exportSchema } from '../../src/core/schema/export.js';
import { loadSchemaFiles } from '../../src/core/schema/load-files.js';
import { readSchemaVersion, readStoredDefinitions } from '../../src/core/schema/store.js';
import { syncSchema, type SyncOptions, type SyncResult } from '../../src/core/schema/sync.js';
import { connectDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/types.js';
import { openDatabase } from '../../src/node/database.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET, copyFixtureApp } from '../helpers/node.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const ARTICLE_FILE = 'src/api/article/content-types/article/schema.json';
const TAG_FILE = 'src/api/tag/content-types/tag/schema.json';

type SchemaJson = {
  collectionName?: string;
  options?: Record<string, unknown>;
  attributes: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
};

/** One test's world: a fresh database and a private copy of the kitchen app. */
interface World {
  readonly db: TestDatabase;
  readonly app: string;
  readonly env: Record<string, string>;
  readonly config: QuorumConfig;
}

interface Running {
  readonly node: QuorumNode;
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, data?: unknown): Promise<Reply>;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  body: any;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function world(kind: DatabaseKind): Promise<World> {
  const db = await createTestDatabase(kind);
  const app = copyFixtureApp('kitchen');
  cleanups.push(async () => {
    await db.drop();
    rmSync(app, { recursive: true, force: true });
  });
  const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
  return { db, app, env, config: loadConfig({ appDir: app, env }) };
}

let tokenCounter = 0;

async function start(w: World): Promise<Running> {
  const node = await createNode(w.config, { logger, env: w.env });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await node.stop({ drainMs: 0 });
  };
  cleanups.push(stop);
  const { token } = await node.tokens.create({ name: `sync-test-${++tokenCounter}`, type: 'full-access' });
  return {
    node,
    stop,
    async request(method, url, data) {
      const res = await node.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(data === undefined ? {} : { 'content-type': 'application/json' }),
        },
        payload: data === undefined ? undefined : JSON.stringify({ data }),
      });
      return { status: res.statusCode, body: res.body ? res.json() : undefined };
    },
  };
}

/** Runs a sync of the app directory the way a command does (its own connection, closed after). */
async function sync(w: World, options: SyncOptions = {}): Promise<SyncResult> {
  const { database, sync: result } = await openDatabase(w.config, logger, options);
  await database.close();
  return result;
}

/** A connection that does not sync: to look at the database as it is. */
async function inspect<T>(w: World, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await connectDatabase(w.config);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function startupError(w: World): Promise<Error> {
  const result = await start(w).then(
    async (running) => {
      await running.stop();
      return undefined;
    },
    (err: Error) => err,
  );
  if (!result) throw new Error('expected the node to refuse to start');
  return result;
}

function schemaFile(app: string, relative: string): string {
  return path.join(app, relative);
}

function editSchema(app: string, relative: string, edit: (schema: SchemaJson) => void): void {
  const file = schemaFile(app, relative);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as SchemaJson;
  edit(schema);
  writeFileSync(file, JSON.stringify(schema, null, 2));
}

function writeType(app: string, api: string, schema: object): void {
  const dir = path.join(app, 'src', 'api', api, 'content-types', api);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(schema, null, 2));
}

const BOOK = {
  kind: 'collectionType',
  collectionName: 'books',
  info: { singularName: 'book', pluralName: 'books', displayName: 'Book' },
  options: { draftAndPublish: false },
  attributes: { title: { type: 'string', required: true }, pages: { type: 'integer' } },
};

async function columnsOf(database: Database, table: string): Promise<string[]> {
  const { rows } =
    database.kind === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(database.db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(database.db);
  return rows.map((row) => row.name).sort();
}

async function tableExists(database: Database, table: string): Promise<boolean> {
  const { rows } =
    database.kind === 'sqlite'
      ? await sql`select name from sqlite_master where type = 'table' and name = ${table}`.execute(
          database.db,
        )
      : await sql`select table_name from information_schema.tables
          where table_schema = current_schema() and table_name = ${table}`.execute(database.db);
  return rows.length > 0;
}

async function registry(database: Database): Promise<StoredDefinition[]> {
  return readStoredDefinitions(database.db, database.dialect);
}

async function rows(
  database: Database,
  table: string,
  columns: string[],
): Promise<Record<string, unknown>[]> {
  const result = await database.db.selectFrom(table).select(columns).orderBy('id').execute();
  return result as Record<string, unknown>[];
}

/** A row inserted behind the API's back, to prove a database constraint (not only the pre-check) holds. */
async function insertRaw(database: Database, table: string, values: Record<string, unknown>): Promise<void> {
  const now = new Date().toISOString();
  await database.db
    .insertInto(table)
    .values({
      document_id: `raw${Math.random().toString(36).slice(2, 12)}`,
      created_at: now,
      updated_at: now,
      published_at: now,
      ...values,
    })
    .execute();
}

/**
 * What the admin API will do when a type is created at runtime: under the schema lock, create its
 * tables and add it to the registry owned by the database (no file names it).
 */
async function createRuntimeType(w: World, uid: string, definition: object): Promise<void> {
  await inspect(w, (database) =>
    changeSchemaAtRuntime(database, {
      kind: 'put',
      modelType: 'contentType',
      uid,
      definition: definition as never,
    }).then(() => undefined),
  );
}

const NOTE = {
  kind: 'collectionType',
  collectionName: 'notes',
  info: { singularName: 'note', pluralName: 'notes', displayName: 'Note' },
  options: { draftAndPublish: false },
  attributes: { text: { type: 'text' } },
};

/** Before the first start: tags get a relation to articles (tags own the links) and a component. */
function addLinksToTags(app: string): void {
  mkdirSync(path.join(app, 'src', 'components', 'shared'), { recursive: true });
  writeFileSync(
    path.join(app, 'src', 'components', 'shared', 'note.json'),
    JSON.stringify({ info: { displayName: 'Note' }, attributes: { text: { type: 'string' } } }),
  );
  editSchema(app, TAG_FILE, (s) => {
    s.attributes.article = { type: 'relation', relation: 'manyToOne', target: 'api::article.article' };
    s.attributes.note = { type: 'component', component: 'shared.note', repeatable: false };
  });
}

/** A tag linked to an article, with its component filled (see addLinksToTags); returns its documentId. */
async function createLinkedTag(running: Running): Promise<string> {
  const article = await running.request('POST', '/api/articles', { title: 'Linked' });
  const tag = await running.request('POST', '/api/tags', {
    name: 'with links',
    article: article.body.data.documentId,
    note: { text: 'a component' },
  });
  expect(tag.status, JSON.stringify(tag.body)).toBe(201);
  return tag.body.data.documentId;
}

const LINKED_POPULATE = 'populate[article][fields][0]=title&populate[note]=true';
const LINKED = { article: { title: 'Linked' }, note: { text: 'a component' } };

describeEachDatabase('schema sync at start', (kind) => {
  it('adds a new attribute at start and keeps the existing data', async () => {
    const w = await world(kind);
    const first = await start(w);
    const created = await first.request('POST', '/api/articles', { title: 'Kept', views: 7 });
    expect(created.status).toBe(201);
    await first.stop();

    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.subtitle = { type: 'string' };
    });
    const second = await start(w);
    const read = await second.request('GET', `/api/articles/${created.body.data.documentId}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ title: 'Kept', views: 7, subtitle: null });
    const updated = await second.request('PUT', `/api/articles/${created.body.data.documentId}`, {
      subtitle: 'Now with a subtitle',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ title: 'Kept', views: 7, subtitle: 'Now with a subtitle' });
    expect(await columnsOf(second.node.database, 'articles')).toContain('subtitle');
    expect(await readSchemaVersion(second.node.database.db)).toBe(2);
  });

  it('creates a new type at start', async () => {
    const w = await world(kind);
    const first = await start(w);
    await first.request('POST', '/api/tags', { name: 'existing' });
    await first.stop();

    writeType(w.app, 'book', BOOK);
    const second = await start(w);
    expect((await second.request('GET', '/api/books')).body.data).toEqual([]);
    const created = await second.request('POST', '/api/books', { title: 'Dune', pages: 412 });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ title: 'Dune', pages: 412 });
    expect((await second.request('GET', '/api/books')).body.data).toHaveLength(1);
    expect((await second.request('GET', '/api/tags')).body.data).toMatchObject([{ name: 'existing' }]);
    const book = (await registry(second.node.database)).find((d) => d.uid === 'api::book.book');
    expect(book?.source).toEqual({ owner: 'file', path: 'src/api/book/content-types/book/schema.json' });
  });

  it('refuses a removed attribute at start, naming the file and the attribute, and changes nothing', async () => {
    const w = await world(kind);
    const first = await start(w);
    const created = await first.request('POST', '/api/articles', { title: 'A', summary: 'Worth keeping' });
    expect(created.status).toBe(201);
    await first.stop();
    const before = await inspect(w, registry);

    editSchema(w.app, ARTICLE_FILE, (s) => {
      delete s.attributes.summary;
    });
    const err = await startupError(w);
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(ARTICLE_FILE);
    expect(err.message).toContain('"summary"');
    expect(err.message).toContain('--allow-destructive');

    await inspect(w, async (database) => {
      expect(await columnsOf(database, 'articles')).toContain('summary');
      // Draft and published rows of the one document.
      expect(await rows(database, 'articles', ['summary'])).toEqual([
        { summary: 'Worth keeping' },
        { summary: 'Worth keeping' },
      ]);
      expect(await readSchemaVersion(database.db)).toBe(1);
      expect(await registry(database)).toEqual(before);
    });

    const applied = await sync(w, { allowDestructive: true });
    expect(applied.changed).toBe(true);
    expect(applied.steps.filter((s) => s.destructive).map((s) => s.description)).toEqual([
      expect.stringContaining('"summary"'),
    ]);
    await inspect(w, async (database) => {
      expect(await columnsOf(database, 'articles')).not.toContain('summary');
      expect(await readSchemaVersion(database.db)).toBe(2);
    });
    const again = await start(w);
    const read = await again.request('GET', `/api/articles/${created.body.data.documentId}`);
    expect(read.status).toBe(200);
    expect(read.body.data.title).toBe('A');
    expect(read.body.data).not.toHaveProperty('summary');
  });

  it('refuses a removed type at start, naming its file, until applied with allowDestructive', async () => {
    const w = await world(kind);
    const first = await start(w);
    await first.request('POST', '/api/tags', { name: 'orphan' });
    await first.stop();

    rmSync(path.join(w.app, 'src', 'api', 'tag'), { recursive: true });
    const err = await startupError(w);
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(TAG_FILE);
    expect(err.message).toContain('api::tag.tag');
    await inspect(w, async (database) => {
      expect(await tableExists(database, 'tags')).toBe(true);
      expect(await rows(database, 'tags', ['name'])).toEqual([{ name: 'orphan' }]);
      expect((await registry(database)).map((d) => d.uid)).toContain('api::tag.tag');
      expect(await readSchemaVersion(database.db)).toBe(1);
    });

    const applied = await sync(w, { allowDestructive: true });
    expect(applied.steps.some((s) => s.destructive && s.description.includes('tags'))).toBe(true);
    await inspect(w, async (database) => {
      expect(await tableExists(database, 'tags')).toBe(false);
      expect((await registry(database)).map((d) => d.uid)).not.toContain('api::tag.tag');
    });
    const again = await start(w);
    expect((await again.request('GET', '/api/tags')).status).toBe(404);
  });

  it('refuses a retype across storage classes (string → integer), then applies it when allowed', async () => {
    const w = await world(kind);
    const first = await start(w);
    const created = await first.request('POST', '/api/articles', { title: 'R', internal: 'not a number' });
    expect(created.status).toBe(201);
    await first.stop();

    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.internal = { type: 'integer' };
    });
    const err = await startupError(w);
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(ARTICLE_FILE);
    expect(err.message).toContain('"internal"');
    await inspect(w, async (database) => {
      expect(await rows(database, 'articles', ['internal'])).toEqual([
        { internal: 'not a number' },
        { internal: 'not a number' },
      ]);
      expect(await readSchemaVersion(database.db)).toBe(1);
      const article = (await registry(database)).find((d) => d.uid === 'api::article.article');
      expect((article?.definition.attributes as SchemaJson['attributes']).internal.type).toBe('string');
    });

    const applied = await sync(w, { allowDestructive: true });
    expect(applied.steps.filter((s) => s.destructive)).toHaveLength(1);
    const again = await start(w);
    const read = await again.request('GET', `/api/articles/${created.body.data.documentId}`);
    expect(read.body.data.internal).toBeNull();
    const numeric = await again.request('POST', '/api/articles', { title: 'N', internal: 42 });
    expect(numeric.status).toBe(201);
    expect(numeric.body.data.internal).toBe(42);
    // Compared as numbers now: 42 > 9 (as text, "42" < "9").
    const filtered = await again.request('GET', '/api/articles?filters[internal][$gt]=9');
    expect(filtered.body.data.map((d: { title: string }) => d.title)).toEqual(['N']);
  });

  it('treats a retype within a storage class (string → text) as not destructive and keeps the data', async () => {
    const w = await world(kind);
    const first = await start(w);
    const created = await first.request('POST', '/api/articles', { title: 'T', internal: 'kept as text' });
    await first.stop();

    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.internal = { type: 'text' };
    });
    const plan = await sync(w, { dryRun: true });
    expect(plan.steps).toEqual([]);
    expect(plan.changed).toBe(true);

    const second = await start(w);
    const read = await second.request('GET', `/api/articles/${created.body.data.documentId}`);
    expect(read.body.data.internal).toBe('kept as text');
    expect(await readSchemaVersion(second.node.database.db)).toBe(2);
  });

  it('adding unique creates the constraint: duplicates then get 400 "This attribute must be unique"', async () => {
    const w = await world(kind);
    const first = await start(w);
    await first.request('POST', '/api/tags', { name: 'a', label: 'taken' });
    const article = await first.request('POST', '/api/articles', { title: 'U', summary: 'one of a kind' });
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.attributes.label = { type: 'text', unique: true };
    });
    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.summary = { ...s.attributes.summary, unique: true };
    });
    const plan = await sync(w, { dryRun: true });
    expect(plan.steps.every((s) => !s.destructive)).toBe(true);

    const second = await start(w);
    const duplicate = await second.request('POST', '/api/tags', { name: 'b', label: 'taken' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatchObject({
      name: 'ValidationError',
      message: 'This attribute must be unique',
    });
    expect((await second.request('POST', '/api/tags', { name: 'c', label: 'free' })).status).toBe(201);

    const dupArticle = await second.request('POST', '/api/articles', {
      title: 'V',
      summary: 'one of a kind',
    });
    expect(dupArticle.status).toBe(400);
    expect(dupArticle.body.error.message).toBe('This attribute must be unique');
    // A document's own draft and published rows share the value: updating it is not a clash.
    const update = await second.request('PUT', `/api/articles/${article.body.data.documentId}`, {
      title: 'U2',
    });
    expect(update.status).toBe(200);

    // The database enforces it too, not only the pre-check.
    await expect(insertRaw(second.node.database, 'tags', { name: 'd', label: 'taken' })).rejects.toThrow();
    await expect(
      insertRaw(second.node.database, 'articles', { title: 'W', summary: 'one of a kind' }),
    ).rejects.toThrow();
  });

  it('refuses to add unique over existing duplicates with a SchemaError naming the file and the attribute', async () => {
    const w = await world(kind);
    const first = await start(w);
    await first.request('POST', '/api/tags', { name: 'a', label: 'same' });
    await first.request('POST', '/api/tags', { name: 'b', label: 'same' });
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.attributes.label = { type: 'text', unique: true };
    });
    const err = await startupError(w);
    // A user can cause this by editing a file: a clear message, not the driver's constraint error.
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(TAG_FILE);
    expect(err.message).toContain('"label"');
    await inspect(w, async (database) => {
      expect(await rows(database, 'tags', ['label'])).toEqual([{ label: 'same' }, { label: 'same' }]);
      expect(await readSchemaVersion(database.db)).toBe(1);
    });
  });

  it('a type moved to another uid that keeps its collectionName keeps its table and data', async () => {
    const w = await world(kind);
    const first = await start(w);
    await first.request('POST', '/api/tags', { name: 'moved' });
    await first.stop();

    // src/api/tag → src/api/label: the uid becomes api::label.tag, the table is still "tags": the new
    // type adopts the table (not a drop and a create over the same name), so nothing is destructive.
    renameSync(path.join(w.app, 'src', 'api', 'tag'), path.join(w.app, 'src', 'api', 'label'));
    const plan = await sync(w, { dryRun: true });
    expect(plan.steps.some((s) => s.destructive)).toBe(false);
    const second = await start(w);
    expect(second.node.core.schema().contentTypes.has('api::label.tag')).toBe(true);
    const list = await second.request('GET', '/api/tags');
    expect(list.status).toBe(200);
    expect(list.body.data.map((d: { name: string }) => d.name)).toEqual(['moved']);
    expect((await second.request('POST', '/api/tags', { name: 'after the move' })).status).toBe(201);
  });

  it('changing collectionName renames the table and keeps the data', async () => {
    const w = await world(kind);
    const first = await start(w);
    const created = await first.request('POST', '/api/tags', { name: 'survivor', label: 'L' });
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.collectionName = 'tag_items';
    });
    const plan = await sync(w, { dryRun: true });
    expect(plan.steps.some((s) => s.destructive)).toBe(false);
    expect(plan.steps.map((s) => s.description)).toContain(
      `rename table tags to tag_items (api::tag.tag (${TAG_FILE}))`,
    );

    const second = await start(w);
    const read = await second.request('GET', `/api/tags/${created.body.data.documentId}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: created.body.data.id, name: 'survivor', label: 'L' });
    expect(await tableExists(second.node.database, 'tags')).toBe(false);
    expect(await tableExists(second.node.database, 'tag_items')).toBe(true);
    // Indexes came along: unique still holds, in the API and in the database.
    expect((await second.request('POST', '/api/tags', { name: 'survivor' })).status).toBe(400);
    await expect(insertRaw(second.node.database, 'tag_items', { name: 'survivor' })).rejects.toThrow();
    const next = await second.request('POST', '/api/tags', { name: 'newcomer' });
    expect(next.status).toBe(201);
    expect(next.body.data.id).toBeGreaterThan(created.body.data.id);
  });

  it('changing collectionName keeps the relations and components of the renamed type', async () => {
    const w = await world(kind);
    addLinksToTags(w.app);
    const first = await start(w);
    const tag = await createLinkedTag(first);
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.collectionName = 'tag_items';
    });
    const plan = await sync(w, { dryRun: true });
    expect(plan.steps.filter((s) => s.destructive)).toEqual([]);
    const second = await start(w);
    const read = await second.request('GET', `/api/tags/${tag}?${LINKED_POPULATE}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ name: 'with links', ...LINKED });
    expect((await second.request('DELETE', `/api/tags/${tag}`)).status).toBe(204);
    expect((await second.request('GET', '/api/articles')).body.data).toHaveLength(1);
  });

  it('draft & publish off → on gives every document a draft', async () => {
    const w = await world(kind);
    const first = await start(w);
    const one = await first.request('POST', '/api/tags', { name: 'one' });
    const two = await first.request('POST', '/api/tags', { name: 'two' });
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.options = { draftAndPublish: true };
    });
    const second = await start(w);
    const drafts = await second.request('GET', '/api/tags?status=draft&sort=name');
    expect(drafts.body.data).toMatchObject([
      { documentId: one.body.data.documentId, name: 'one', publishedAt: null },
      { documentId: two.body.data.documentId, name: 'two', publishedAt: null },
    ]);
    const published = await second.request('GET', '/api/tags?sort=name');
    expect(published.body.data.map((d: { name: string }) => d.name)).toEqual(['one', 'two']);
    expect(await rows(second.node.database, 'tags', ['id'])).toHaveLength(4);

    // The type now behaves as draft & publish: a draft edit leaves the published version alone.
    await second.request('PUT', `/api/tags/${one.body.data.documentId}?status=draft`, { name: 'one (edit)' });
    expect((await second.request('GET', `/api/tags/${one.body.data.documentId}`)).body.data.name).toBe('one');
  });

  it('draft & publish off → on copies relations and components into the new drafts', async () => {
    const w = await world(kind);
    addLinksToTags(w.app);
    const first = await start(w);
    const tag = await createLinkedTag(first);
    await first.stop();

    editSchema(w.app, TAG_FILE, (s) => {
      s.options = { draftAndPublish: true };
    });
    const second = await start(w);
    const url = `/api/tags/${tag}?${LINKED_POPULATE}`;
    expect((await second.request('GET', url)).body.data).toMatchObject(LINKED);
    const draft = await second.request('GET', `${url}&status=draft`);
    expect(draft.status).toBe(200);
    expect(draft.body.data.publishedAt).toBeNull();
    // The draft is the document's working copy: it must not silently lose what the published version has
    // (publishing it next would replace the published version and drop them for good).
    expect(draft.body.data).toMatchObject(LINKED);
  });

  it('draft & publish on → off is destructive: refused at start, then applied when allowed', async () => {
    const w = await world(kind);
    const first = await start(w);
    const live = await first.request('POST', '/api/articles', { title: 'Live' });
    await first.request('PUT', `/api/articles/${live.body.data.documentId}?status=draft`, {
      title: 'Live (unpublished edit)',
    });
    const draftOnly = await first.request('POST', '/api/articles?status=draft', { title: 'Never published' });
    expect(draftOnly.status).toBe(201);
    await first.stop();

    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.options = { draftAndPublish: false };
    });
    const err = await startupError(w);
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toContain(ARTICLE_FILE);
    expect(err.message).toContain('draft & publish');
    await inspect(w, async (database) => {
      expect(await rows(database, 'articles', ['title'])).toHaveLength(3);
    });

    await sync(w, { allowDestructive: true });
    const second = await start(w);
    const list = await second.request('GET', '/api/articles?sort=title');
    expect(list.body.data.map((d: { title: string }) => d.title)).toEqual(['Live', 'Never published']);
    expect(list.body.data.every((d: { publishedAt: string | null }) => d.publishedAt !== null)).toBe(true);
    expect(await rows(second.node.database, 'articles', ['title'])).toHaveLength(2);
  });

  it('keeps a type owned by the database registry when no file names it', async () => {
    const w = await world(kind);
    await sync(w);
    await createRuntimeType(w, 'api::note.note', NOTE);

    const first = await start(w);
    const created = await first.request('POST', '/api/notes', { text: 'made at runtime' });
    expect(created.status).toBe(201);
    await first.stop();

    const plan = await sync(w, { dryRun: true });
    expect(plan.steps).toEqual([]);
    expect(plan.changed).toBe(false);
    const second = await start(w);
    const read = await second.request('GET', `/api/notes/${created.body.data.documentId}`);
    expect(read.status).toBe(200);
    expect(read.body.data.text).toBe('made at runtime');
    const note = (await registry(second.node.database)).find((d) => d.uid === 'api::note.note');
    expect(note?.source).toEqual({ owner: 'database' });
    expect(await readSchemaVersion(second.node.database.db)).toBe(2);
    await second.stop();

    // A file change elsewhere does not disturb it either.
    editSchema(w.app, TAG_FILE, (s) => {
      s.attributes.color = { type: 'string' };
    });
    const applied = await sync(w);
    expect(applied.steps.map((s) => s.description).join('\n')).not.toContain('notes');
    await inspect(w, async (database) => {
      expect(await tableExists(database, 'notes')).toBe(true);
      expect((await registry(database)).find((d) => d.uid === 'api::note.note')?.source).toEqual({
        owner: 'database',
      });
    });
  });

  it('dryRun changes nothing, on a fresh database and on an existing one', async () => {
    const w = await world(kind);
    const fresh = await sync(w, { dryRun: true });
    expect(fresh.changed).toBe(true);
    expect(fresh.steps.map((s) => s.description)).toContain(
      `create table articles for api::article.article (${ARTICLE_FILE})`,
    );
    await inspect(w, async (database) => {
      expect(await tableExists(database, 'articles')).toBe(false);
      expect(await tableExists(database, 'quorum_schemas')).toBe(false);
      expect(await tableExists(database, 'quorum_migrations')).toBe(false);
    });

    await sync(w);
    const before = await inspect(w, async (database) => ({
      registry: await registry(database),
      columns: await columnsOf(database, 'articles'),
    }));
    editSchema(w.app, ARTICLE_FILE, (s) => {
      delete s.attributes.summary;
      s.attributes.subtitle = { type: 'string' };
    });
    writeType(w.app, 'book', BOOK);
    const plan = await sync(w, { dryRun: true, allowDestructive: true });
    expect(plan.changed).toBe(true);
    expect(plan.schema.contentTypes.has('api::book.book')).toBe(true);
    const descriptions = plan.steps.map((s) => `${s.destructive ? '!' : ''}${s.description}`);
    expect(descriptions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^!drop column articles\.summary/),
        expect.stringMatching(/^add column articles\.subtitle/),
        expect.stringMatching(/^create table books/),
      ]),
    );
    await inspect(w, async (database) => {
      expect(await registry(database)).toEqual(before.registry);
      expect(await columnsOf(database, 'articles')).toEqual(before.columns);
      expect(await tableExists(database, 'books')).toBe(false);
      expect(await readSchemaVersion(database.db)).toBe(1);
    });
  });

  it('increments the schema version only when something changed', async () => {
    const w = await world(kind);
    const versions: number[] = [];
    const step = async (label: string, expectChanged: boolean) => {
      const result = await sync(w);
      expect(result.changed, label).toBe(expectChanged);
      if (!expectChanged) expect(result.steps, label).toEqual([]);
      versions.push(result.schema.version);
      expect(await inspect(w, (database) => readSchemaVersion(database.db)), label).toBe(
        result.schema.version,
      );
    };
    await step('fresh database', true);
    await step('nothing changed', false);
    // Same schema, written differently (key order, indentation): not a change.
    const file = schemaFile(w.app, ARTICLE_FILE);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(parsed).reverse());
    writeFileSync(file, JSON.stringify(reordered, null, 8));
    await step('reformatted file', false);
    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.subtitle = { type: 'string' };
    });
    await step('added attribute', true);
    await step('restart after the change', false);
    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.subtitle = { type: 'text' };
    });
    await step('retype within a storage class', true);
    expect(versions).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it('exports in the Strapi layout, and the export re-imports to an identical registry', async () => {
    const w = await world(kind);
    mkdirSync(path.join(w.app, 'src', 'components', 'shared'), { recursive: true });
    writeFileSync(
      path.join(w.app, 'src', 'components', 'shared', 'seo.json'),
      JSON.stringify({
        collectionName: 'components_shared_seos',
        info: { displayName: 'Seo', icon: 'search' },
        attributes: { metaTitle: { type: 'string', required: true }, metaDescription: { type: 'text' } },
      }),
    );
    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.seo = { type: 'component', component: 'shared.seo', repeatable: false };
    });
    const synced = await sync(w);
    await createRuntimeType(w, 'api::note.note', NOTE);
    const { database, sync: current } = await openDatabase(w.config, logger);
    cleanups.push(() => database.close());
    const original = await registry(database);

    const out = mkdtempSync(path.join(tmpdir(), 'quorum-export-'));
    cleanups.push(async () => rmSync(out, { recursive: true, force: true }));
    const written = exportSchema(current.schema, out).map((file) => path.relative(out, file));
    expect(written.sort()).toEqual(
      [
        ARTICLE_FILE,
        'src/api/homepage/content-types/homepage/schema.json',
        'src/api/note/content-types/note/schema.json',
        'src/api/setting/content-types/setting/schema.json',
        TAG_FILE,
        'src/components/shared/seo.json',
      ].sort(),
    );

    // Files the app owns come back byte-for-byte equivalent, at the same paths.
    const exported = loadSchemaFiles(out);
    const fromApp = loadSchemaFiles(w.app);
    for (const file of fromApp) expect(exported).toContainEqual(file);
    expect(exported.find((f) => f.uid === 'api::note.note')?.definition).toEqual(NOTE);

    // The same database, synced from the export without the runtime type: nothing changes.
    const again = await syncSchema(database, [
      ...exported.filter((f) => f.uid !== 'api::note.note'),
      ...builtInSchemaFiles(out),
    ]);
    expect(again.changed).toBe(false);
    expect(again.steps).toEqual([]);
    expect(again.schema.version).toBe(synced.schema.version + 1);
    expect(await registry(database)).toEqual(original);

    // A fresh database fed the export has the same registry (the runtime type is now owned by its file).
    const other = await createTestDatabase(kind);
    cleanups.push(() => other.drop());
    const otherDatabase = await connectDatabase(
      loadConfig({ appDir: out, env: { DATABASE_URL: other.url } }),
    );
    cleanups.push(() => otherDatabase.close());
    await syncSchema(otherDatabase, [...exported, ...builtInSchemaFiles(out)]);
    const imported = await registry(otherDatabase);
    expect(imported.map(({ uid, modelType, definition }) => ({ uid, modelType, definition }))).toEqual(
      original.map(({ uid, modelType, definition }) => ({ uid, modelType, definition })),
    );
    expect(imported.filter((d) => d.uid !== 'api::note.note')).toEqual(
      original.filter((d) => d.uid !== 'api::note.note'),
    );
    expect(imported.find((d) => d.uid === 'api::note.note')?.source).toEqual({
      owner: 'file',
      path: 'src/api/note/content-types/note/schema.json',
    });
  });
});

describe('schema sync errors', () => {
  it('names the file and the attribute of a broken schema file before touching the database', async () => {
    const w = await world('sqlite');
    editSchema(w.app, ARTICLE_FILE, (s) => {
      s.attributes.views = { type: 'no-such-type' };
    });
    const err = await startupError(w);
    expect(err).toBeInstanceOf(SchemaError);
    expect(err.message).toBe(`${ARTICLE_FILE}: attribute "views": unknown type "no-such-type"`);
    await inspect(w, async (database) => expect(await tableExists(database, 'quorum_schemas')).toBe(false));
  });
});
