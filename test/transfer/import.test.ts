import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { connectDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/types.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { ArchiveWriter, readArchive } from '../../src/transfer/archive/index.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET } from '../helpers/node.js';
import { killAllProcesses, REPO_ROOT, runCli, type CliResult } from '../helpers/processes.js';

/**
 * `quorum import` of archives written by a real Strapi 5.54 app (`strapi export`, see
 * test/fixtures/strapi-export/FORMAT.md), run as a user runs it: the CLI in a child process. Afterwards a
 * node on that database must answer the REST requests exactly as that Strapi did (answers/ were recorded
 * from the same database state the archives were exported from): no normalization of ids or timestamps
 * is needed, because the import keeps Strapi's row ids, documentIds and timestamps.
 */
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'strapi-export');
const ARCHIVES = path.join(FIXTURE, 'archives');
const GZ = path.join(ARCHIVES, 'plain.tar.gz');
const TAR = path.join(ARCHIVES, 'plain-uncompressed.tar');
const ENCRYPTED = path.join(ARCHIVES, 'encrypted.tar.gz.enc');
const KEY = 'quorum-fixture-key'; // CREDENTIALS.md
const work = mkdtempSync(path.join(tmpdir(), 'quorum-import-test-'));

afterAll(async () => {
  await killAllProcesses();
  rmSync(work, { recursive: true, force: true });
});

interface Answer {
  request: string;
  status: number;
  body: unknown;
}

const ANSWERS: [string, Answer][] = readdirSync(path.join(FIXTURE, 'answers'))
  .filter((name) => name.endsWith('.json') && !name.startsWith('_'))
  .map((name) => [name, JSON.parse(readFileSync(path.join(FIXTURE, 'answers', name), 'utf8')) as Answer]);
const GET_ANSWERS = ANSWERS.filter(([, answer]) => answer.request.startsWith('GET '));

/**
 * The fixture app in a directory of its own. Files go to the local provider on both databases, as in the
 * Strapi app (so `provider` and `url` are Strapi's too).
 */
function appCopy(options: { without?: string; config?: Record<string, unknown> } = {}): string {
  const dir = mkdtempSync(path.join(work, 'app-'));
  cpSync(path.join(FIXTURE, 'app'), dir, { recursive: true });
  if (options.without) rmSync(path.join(dir, options.without), { recursive: true, force: true });
  writeFileSync(
    path.join(dir, 'quorum.config.json'),
    JSON.stringify({ upload: { provider: 'local' }, ...options.config }),
  );
  return dir;
}

function importCli(app: string, db: TestDatabase, args: string[], env: Record<string, string> = {}) {
  return runCli(['import', ...args, '--app', app], {
    env: { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET, QUORUM_LOG_LEVEL: 'warn', ...env },
    timeoutMs: 60_000,
  });
}

function expectSuccess(result: CliResult): void {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
}

async function withDatabase<T>(
  app: string,
  db: TestDatabase,
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ appDir: app, env: { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET } });
  const database = await connectDatabase(config);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function count(database: Database, table: string): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rows of every table the fixture fills (a re-run must not add any). */
async function rowCounts(database: Database): Promise<Record<string, number>> {
  const tables = [
    'products',
    'categories',
    'homepages',
    'files',
    'up_users',
    'up_roles',
    'up_permissions',
    'components_shared_seos',
    'components_product_variants',
    'components_shared_quotes',
    'components_shared_rich_texts',
    'products_category_lnk',
    'products_related_lnk',
    'products_cover_lnk',
    'products_gallery_lnk',
    'up_permissions_role_lnk',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await count(database, table);
  return counts;
}

async function startNode(app: string, db: TestDatabase): Promise<QuorumNode> {
  const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
  const config = loadConfig({ appDir: app, env });
  return createNode(config, { logger: pino({ level: 'silent' }), env });
}

/** The recorded answers a node gives differently (status or body), by file name; empty when all match. */
async function differingAnswers(node: QuorumNode, answers = GET_ANSWERS): Promise<string[]> {
  const differing: string[] = [];
  for (const [name, answer] of answers) {
    const response = await node.app.inject({ method: 'GET', url: answer.request.slice(4) });
    // Equal as JSON values, key order aside: PostgreSQL's jsonb keeps json/blocks keys in its own order,
    // and Quorum writes a dynamic-zone entry's `__component` first where Strapi writes it last (an
    // answer-shape difference of the content API, not of what the import stored).
    const same =
      response.statusCode === answer.status && isDeepStrictEqual(JSON.parse(response.body), answer.body);
    if (!same) differing.push(`${name}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  }
  return differing;
}

/** The archive with `line` (1-based) of its entity file replaced by `text`. */
async function archiveWithEntityLine(line: number, text: string): Promise<string> {
  const file = path.join(work, `corrupted-${line}.tar.gz`);
  const writer = new ArchiveWriter(file, { gzip: true });
  for await (const entry of readArchive(GZ)) {
    let content = await buffer(entry.body);
    if (entry.name === 'entities/entities_00001.jsonl') {
      const lines = content.toString('utf8').split('\n');
      lines[line - 1] = text;
      content = Buffer.from(lines.join('\n'));
    }
    await writer.addFile(entry.name, content);
  }
  await writer.close();
  return file;
}

async function uploadsOf(archive: string, key?: string): Promise<Map<string, Buffer>> {
  const uploads = new Map<string, Buffer>();
  for await (const entry of readArchive(archive, { key }))
    if (entry.name.startsWith('assets/uploads/'))
      uploads.set(entry.name.slice('assets/uploads/'.length), await buffer(entry.body));
  return uploads;
}

describeEachDatabase('quorum import of a real Strapi 5.54 export', (kind: DatabaseKind) => {
  describe('a .tar.gz into a fresh database', () => {
    let db: TestDatabase;
    let app: string;
    let node: QuorumNode | undefined;
    let first: CliResult;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = appCopy();
      first = await importCli(app, db, [GZ]);
    }, 120_000);
    afterAll(async () => {
      await node?.stop({ drainMs: 0 });
      await db.drop();
    });

    it('exits 0 with a summary of what it wrote, per type', () => {
      expectSuccess(first);
      expect(first.stdout).toContain('archive: Strapi 5.54.0');
      expect(first.stdout).toContain('wrote api::product.product: 8 documents (6 published, 8 drafts)');
      expect(first.stdout).toContain('wrote plugin::users-permissions.user: 2 documents');
      expect(first.stdout).toContain('wrote 6 files (5385 bytes) into the storage');
      expect(first.stdout).toContain("skipped plugin::i18n.locale: 1 rows (Strapi's own type");
      // Not a terminal: plain progress lines on stderr, one per stage at least.
      for (const stage of ['entities', 'assets', 'links'])
        expect(first.stderr).toMatch(new RegExp(`^${stage}: .* done$`, 'm'));
    });

    it('answers the REST API exactly as Strapi did (documents, drafts, components, dynamic zones, relations, media, single types)', async () => {
      node = await startNode(app, db);
      expect(GET_ANSWERS.length).toBeGreaterThan(10);
      expect(await differingAnswers(node)).toEqual([]);
    });

    it("serves each uploaded file's bytes (formats included) at its URL, equal to the archive's", async () => {
      const uploads = await uploadsOf(GZ);
      expect(uploads.size).toBe(6);
      for (const [key, bytes] of uploads) {
        const response = await node!.app.inject({ method: 'GET', url: `/uploads/${key}` });
        expect(response.statusCode, key).toBe(200);
        expect(response.rawPayload.equals(bytes), key).toBe(true);
      }
    });

    it("keeps end users' password hashes as they are (Strapi's bcrypt)", async () => {
      const rows = await node!.database.db
        .selectFrom('up_users')
        .select(['username', 'password'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.username)).toEqual(['alice', 'bob']);
      for (const row of rows) expect(String(row.password)).toMatch(/^\$2a\$10\$/);
    });

    it('goes on numbering rows after the imported ids (PostgreSQL sequences moved past them)', async () => {
      const { token } = await node!.tokens.create({ name: 'import-test', type: 'full-access' });
      const response = await node!.app.inject({
        method: 'POST',
        url: '/api/products?status=published',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ data: { title: 'After the import', sku: 'N-1' } }),
      });
      expect(response.statusCode, response.body).toBe(201);
      // Strapi's rows went up to 14; the new draft and its published copy come after.
      expect(JSON.parse(response.body).data.id).toBeGreaterThan(14);
      await node!.app.inject({
        method: 'DELETE',
        url: `/api/products/${JSON.parse(response.body).data.documentId}`,
        headers: { authorization: `Bearer ${token}` },
      });
    });

    it('does nothing when run again (the archive is recorded as imported): no duplicates', async () => {
      const before = await rowCounts(node!.database);
      const again = await importCli(app, db, [GZ]);
      expectSuccess(again);
      expect(again.stdout).toContain('already imported into this database');
      expect(await rowCounts(node!.database)).toEqual(before);
    });

    it('refuses another archive into the now non-empty database without --force, and replaces with it', async () => {
      const refused = await importCli(app, db, [TAR]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^quorum: the target is not empty: it holds \d+ documents .*pass --force/m,
      );
      const forced = await importCli(app, db, [TAR, '--force']);
      expectSuccess(forced);
      expect(forced.stdout).toMatch(/replaced \d+ documents/);
      await node!.stop({ drainMs: 0 });
      node = await startNode(app, db);
      expect(await differingAnswers(node)).toEqual([]);
    });
  });

  describe('an encrypted archive', () => {
    let db: TestDatabase;
    let app: string;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = appCopy();
    });
    afterAll(() => db.drop());

    it('needs its key, refuses a wrong one, and imports with the right one', async () => {
      const missing = await importCli(app, db, [ENCRYPTED]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('pass its key with --key');
      const wrong = await importCli(app, db, [ENCRYPTED, '--key', 'not-the-key']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('could not be decrypted: the key is wrong');
      const imported = await importCli(app, db, [ENCRYPTED, '--key', KEY]);
      expectSuccess(imported);
      const node = await startNode(app, db);
      try {
        expect(await differingAnswers(node)).toEqual([]);
      } finally {
        await node.stop({ drainMs: 0 });
      }
    });
  });

  describe('a dry run, a bad line, a killed import', () => {
    let db: TestDatabase;
    let app: string;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = appCopy();
    });
    afterAll(() => db.drop());

    it('dry run: prints what it would write and writes nothing (not even the tables)', async () => {
      const dry = await importCli(app, db, [GZ, '--dry-run']);
      expectSuccess(dry);
      expect(dry.stdout).toContain('would write api::product.product: 8 documents (6 published, 8 drafts)');
      expect(dry.stdout).toContain('would write 74 links');
      expect(dry.stdout).toContain('skipped 54 links: localizations');
      const tables = await withDatabase(app, db, async (database) =>
        database.kind === 'sqlite'
          ? database.db.selectFrom('sqlite_master').select('name').where('type', '=', 'table').execute()
          : database.db
              .selectFrom('information_schema.tables')
              .select('table_name')
              .where('table_schema', '=', 'public')
              .execute(),
      );
      expect(tables).toEqual([]);
    });

    it('a corrupted line: exit 1 naming file and line, nothing written', async () => {
      const broken = await archiveWithEntityLine(5, '{"type":"api::product.product","id":');
      const result = await importCli(app, db, [broken]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^quorum: entities\/entities_00001\.jsonl:5: not a JSON line/m);
      const badValue = await archiveWithEntityLine(
        7,
        '{"type":"api::product.product","id":99,"data":{"documentId":"x","stock":"many"}}',
      );
      const invalid = await importCli(app, db, [badValue]);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(
        /^quorum: entities\/entities_00001\.jsonl:7: api::product\.product row 99: stock must be/m,
      );
      await withDatabase(app, db, async (database) => {
        expect(await count(database, 'products')).toBe(0);
        expect(await count(database, 'up_users')).toBe(0);
      });
    });

    it('refuses an upload whose name cannot be a storage key, before writing anything', async () => {
      const file = path.join(work, 'bad-upload.tar.gz');
      const writer = new ArchiveWriter(file, { gzip: true });
      for await (const entry of readArchive(GZ)) {
        const name =
          entry.name === 'assets/uploads/saw_5eff49c5e6.png'
            ? 'assets/uploads/saw 5eff49c5e6.png'
            : entry.name;
        await writer.addFile(name, await buffer(entry.body));
      }
      await writer.close();
      const result = await importCli(app, db, [file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'assets/uploads/saw 5eff49c5e6.png: "saw 5eff49c5e6.png" cannot be a storage key',
      );
      await withDatabase(app, db, async (database) => expect(await count(database, 'files')).toBe(0));
    });

    it('refuses an archive of Strapi 4 (no documentIds), saying why', async () => {
      const file = path.join(work, 'v4.tar.gz');
      const writer = new ArchiveWriter(file, { gzip: true });
      await writer.writeJsonl('schemas', []);
      await writer.addFile(
        'metadata.json',
        JSON.stringify({ createdAt: '2024-01-01T00:00:00.000Z', strapi: { version: '4.25.0' } }),
      );
      await writer.close();
      const result = await importCli(app, db, [file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^quorum: .*v4\.tar\.gz was written by Strapi 4\.25\.0: only Strapi 5 archives can be imported/m,
      );
    });

    it('killed after some batches: the same command again resumes and ends with the same rows, no duplicates', async () => {
      const killed = await importCli(app, db, [GZ, '--batch-size', '5'], {
        QUORUM_TEST_IMPORT_KILL_AFTER_BATCHES: '3',
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const partial = await withDatabase(app, db, (database) => count(database, 'quorum_import_checkpoints'));
      expect(partial).toBe(1);
      const resumed = await importCli(app, db, [GZ, '--batch-size', '5']);
      expectSuccess(resumed);
      expect(resumed.stdout).toContain('resumed after 15 items written by an earlier run');

      const reference = await createTestDatabase(kind);
      try {
        const clean = await importCli(appCopy(), reference, [GZ]);
        expectSuccess(clean);
        const [got, want] = await Promise.all([
          withDatabase(app, db, rowCounts),
          withDatabase(app, reference, rowCounts),
        ]);
        expect(got).toEqual(want);
      } finally {
        await reference.drop();
      }
      const node = await startNode(app, db);
      try {
        expect(await differingAnswers(node)).toEqual([]);
      } finally {
        await node.stop({ drainMs: 0 });
      }
    });
  });

  describe('schemas the app does not define', () => {
    let db: TestDatabase;
    let app: string;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      app = appCopy({ without: 'src/api/homepage' });
    });
    afterAll(() => db.drop());

    it('are reported (their rows skipped), or created as database-owned types with --schemas', async () => {
      const dry = await importCli(app, db, [GZ, '--dry-run']);
      expectSuccess(dry);
      expect(dry.stdout).toContain(
        'missing from the app: api::homepage.homepage (add its schema file, or import with --schemas)',
      );
      expect(dry.stdout).toContain('skipped api::homepage.homepage: 2 rows (not defined by the app)');
      const imported = await importCli(app, db, [GZ, '--schemas']);
      expectSuccess(imported);
      expect(imported.stdout).toContain('created api::homepage.homepage (database-owned');
      const node = await startNode(app, db);
      try {
        const homepage = GET_ANSWERS.filter(([name]) => name.startsWith('homepage'));
        expect(homepage.length).toBeGreaterThan(0);
        expect(await differingAnswers(node, homepage)).toEqual([]);
        const stored = await node.database.db
          .selectFrom('quorum_schemas')
          .select('owner')
          .where('uid', '=', 'api::homepage.homepage')
          .executeTakeFirstOrThrow();
        expect(stored.owner).toBe('database');
      } finally {
        await node.stop({ drainMs: 0 });
      }
    });
  });
});
