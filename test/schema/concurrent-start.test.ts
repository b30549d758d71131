import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiTokens } from '../../src/auth/api-tokens.js';
import { deriveKey, loadConfig } from '../../src/config/index.js';
import { connectDatabase } from '../../src/db/connect.js';
import { SYSTEM_MIGRATIONS } from '../../src/db/system/migrations.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, fixtureAppPath } from '../helpers/node.js';
import { QuorumProcess, killAllProcesses } from '../helpers/processes.js';

/**
 * Two real nodes started at the same moment against one fresh PostgreSQL database apply the schema
 * exactly once: the sync runs under a database lock, and the second node finds nothing left to do.
 * Repeated a few times, since a race may not show on every run.
 */

const APP = fixtureAppPath('kitchen');
// The app's tables, and the Users & Permissions and media tables every app has.
const CONTENT_TABLES = [
  'articles',
  'files',
  'homepages',
  'settings',
  'tags',
  'up_permissions',
  'up_permissions_role_lnk',
  'up_roles',
  'up_users',
  'up_users_role_lnk',
];
const ROUNDS = 3;

describe.skipIf(!postgresAvailable())('two nodes starting together on one PostgreSQL database', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await killAllProcesses();
    await db?.drop();
    db = undefined;
  });
  afterAll(killAllProcesses);

  for (let round = 1; round <= ROUNDS; round++) {
    it(`apply the schema exactly once and both serve the API (round ${round} of ${ROUNDS})`, async () => {
      db = await createTestDatabase('postgres');
      const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
      // Port 0: each node takes a free port and logs it, so both spawn in the same tick.
      const nodes = ['a', 'b'].map(
        (name) => new QuorumProcess({ app: APP, env, port: 0, name: `node-${name}` }),
      );
      await Promise.all(nodes.map((node) => node.start()));
      await Promise.all(nodes.map((node) => node.waitReady()));

      // The logs: each system migration and each table creation was applied by exactly one node.
      const logs = nodes.flatMap((node) => node.logs());
      const migrations = logs.filter((l) => l.msg === 'applied system migration').map((l) => l.migration);
      expect(migrations.sort()).toEqual(SYSTEM_MIGRATIONS.map((m) => m.name).sort());
      const created = logs
        .filter((l) => l.msg === 'applied schema change' && String(l.step).startsWith('create table '))
        .map((l) => String(l.step).split(' ')[2]);
      expect(created.sort()).toEqual(CONTENT_TABLES);

      // The database: one row per migration, schema version 1, one registry row per type, each table once.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const applied = await client.query<{ name: string; n: number }>(
          'select name, count(*)::int as n from quorum_migrations group by name order by name',
        );
        expect(applied.rows).toEqual(SYSTEM_MIGRATIONS.map((m) => ({ name: m.name, n: 1 })));
        const state = await client.query<{ value: string }>(
          `select value from quorum_state where key = 'schema_version'`,
        );
        expect(state.rows).toEqual([{ value: '1' }]);
        const registry = await client.query<{ uid: string }>('select uid from quorum_schemas order by uid');
        expect(registry.rows.map((r) => r.uid)).toEqual([
          'api::article.article',
          'api::homepage.homepage',
          'api::setting.setting',
          'api::tag.tag',
          'plugin::upload.file',
          'plugin::users-permissions.permission',
          'plugin::users-permissions.role',
          'plugin::users-permissions.user',
        ]);
        // The default roles were created once, not once per node.
        const roles = await client.query<{ type: string; n: number }>(
          'select type, count(*)::int as n from up_roles group by type order by type',
        );
        expect(roles.rows).toEqual([
          { type: 'authenticated', n: 1 },
          { type: 'public', n: 1 },
        ]);
        const tables = await client.query<{ table_name: string; n: number }>(
          `select table_name, count(*)::int as n from information_schema.tables
           where table_schema = current_schema() and table_name = any($1) group by table_name order by table_name`,
          [CONTENT_TABLES],
        );
        expect(tables.rows).toEqual(CONTENT_TABLES.map((table_name) => ({ table_name, n: 1 })));
      } finally {
        await client.end();
      }

      // Both nodes serve the API: a write on one is read on the other.
      const token = await createToken(db.url);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const [a, b] = nodes;
      const write = await a.fetch('/api/articles', {
        method: 'POST',
        headers,
        body: JSON.stringify({ data: { title: `round ${round}` } }),
      });
      expect(write.status).toBe(201);
      const { data } = (await write.json()) as { data: { documentId: string } };
      const read = await b.fetch(`/api/articles/${data.documentId}`, { headers });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { data: { title: string } }).data.title).toBe(`round ${round}`);
      for (const node of nodes) expect((await node.fetch('/api/tags', { headers })).status).toBe(200);

      // And both stop cleanly.
      const exits = await Promise.all(nodes.map((node) => node.stop()));
      expect(exits).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
    });
  }
});

/** A full-access token written straight to the shared database (no schema sync on this connection). */
async function createToken(url: string): Promise<string> {
  const config = loadConfig({ appDir: APP, env: { DATABASE_URL: url } });
  const database = await connectDatabase(config);
  try {
    const tokens = new ApiTokens(database.db, deriveKey(TEST_SECRET, 'api-token-hmac'), { cacheTtlMs: 0 });
    return (await tokens.create({ name: 'concurrent-start', type: 'full-access' })).token;
  } finally {
    await database.close();
  }
}
