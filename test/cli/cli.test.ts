import { existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createNode } from '../../src/node/node.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET, copyFixtureApp, fixtureAppPath } from '../helpers/node.js';
import {
  DIST_CLI,
  QuorumProcess,
  killAllProcesses,
  parseLogLines,
  runCli,
  type CliResult,
} from '../helpers/processes.js';

const TOKEN = /^[0-9a-f]{96}$/;
const ARTICLE_FILE = 'src/api/article/content-types/article/schema.json';

afterAll(killAllProcesses);

/** stderr holds JSON log lines and at most one `quorum: <message>` (which may span lines), never a stack. */
function expectCleanStderr(result: CliResult): void {
  const text = result.stderr
    .split('\n')
    .filter((line) => line && !line.startsWith('{'))
    .join('\n');
  for (const line of result.stderr.split('\n').filter((l) => l.startsWith('{')))
    expect(() => JSON.parse(line), line).not.toThrow();
  if (text) expect(text, result.stderr).toMatch(/^quorum: /);
  expect(text.match(/^quorum: /gm)?.length ?? 0).toBeLessThanOrEqual(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

function expectFailure(result: CliResult, message: string | RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expectCleanStderr(result);
}

describe('the quorum command is built', () => {
  it('has dist/cli/index.js (npm test runs `npm run build` first)', () => {
    expect(existsSync(DIST_CLI), `${DIST_CLI} is missing: run \`npm run build\``).toBe(true);
  });
});

describe('quorum --help', () => {
  it('lists start, token and schema, and each command its options', async () => {
    const [top, token, create] = await Promise.all([
      runCli(['--help']),
      runCli(['token', '--help']),
      runCli(['token', 'create', '--help']),
    ]);
    expect(top.code).toBe(0);
    for (const command of ['start', 'token', 'schema'])
      expect(top.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    for (const command of ['create', 'list', 'revoke'])
      expect(token.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(create.code).toBe(0);
    for (const option of ['--type <type>', '--name <name>', '--app <dir>'])
      expect(create.stdout).toContain(option);
  });
});

describe('quorum token on a fresh embedded (SQLite) app', () => {
  let app: string;
  const tokens: Record<string, string> = {};
  beforeAll(() => {
    app = copyFixtureApp('kitchen');
    rmSync(path.join(app, '.quorum'), { recursive: true, force: true }); // a fresh app, whatever the fixture holds
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  const secretFile = () => path.join(app, '.quorum', 'secret');

  it('token create prints exactly one line, the token, and logs only on stderr', async () => {
    expect(existsSync(path.join(app, '.quorum'))).toBe(false);
    const result = await runCli(['token', 'create', '--type', 'read-only', '--name', 'ci', '--app', app]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{96}\n$/);
    tokens.ci = result.stdout.trim();
    // The fresh database was brought up first: its logs went to stderr, as JSON lines.
    const logs = parseLogLines(result.stderr);
    expect(logs.map((l) => l.msg)).toContain('applied system migration');
    expectCleanStderr(result);
    expect(result.stderr).not.toContain(tokens.ci);
    expect(existsSync(path.join(app, '.quorum', 'data.db'))).toBe(true);
  });

  it('creates the embedded secret once, with mode 0600, and reuses it', async () => {
    const file = secretFile();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8');
    expect(secret.trim().length).toBeGreaterThanOrEqual(32);

    const result = await runCli(['token', 'create', '--type', 'full-access', '--name', 'ci-2', '--app', app]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(TOKEN);
    tokens['ci-2'] = result.stdout.trim();
    expect(readFileSync(file, 'utf8')).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A node started on the app later (same secret file) accepts both tokens.
    const config = loadConfig({ appDir: app, env: {} });
    const node = await createNode(config, { logger: pino({ level: 'silent' }), env: {} });
    try {
      for (const [name, token] of Object.entries(tokens)) {
        const res = await node.app.inject({
          url: '/api/articles',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.statusCode, name).toBe(200);
      }
    } finally {
      await node.stop({ drainMs: 0 });
    }
    expect(readFileSync(file, 'utf8')).toBe(secret);
  });

  it('token list shows the tokens, never their values', async () => {
    const result = await runCli(['token', 'list', '--app', app]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t').slice(0, 2))).toEqual([
      ['ci', 'read-only'],
      ['ci-2', 'full-access'],
    ]);
    const json = await runCli(['token', 'list', '--json', '--app', app]);
    expect(json.code).toBe(0);
    const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.name, r.type])).toEqual([
      ['ci', 'read-only'],
      ['ci-2', 'full-access'],
    ]);
    for (const output of [result.stdout, result.stderr, json.stdout, json.stderr]) {
      for (const token of Object.values(tokens)) expect(output).not.toContain(token);
    }
    expect(json.stdout).not.toMatch(/hash/i);
  });

  it('token create with a duplicate name fails with a clear message and exit code 1', async () => {
    const result = await runCli(['token', 'create', '--type', 'full-access', '--name', 'ci', '--app', app]);
    expectFailure(result, 'An API token named "ci" already exists');
  });

  it('rejects an invalid or missing --type', async () => {
    const [invalid, missing] = await Promise.all([
      runCli(['token', 'create', '--type', 'admin', '--name', 'x', '--app', app]),
      runCli(['token', 'create', '--name', 'x', '--app', app]),
    ]);
    expectFailure(invalid, /--type/);
    expect(invalid.stderr).toContain('read-only');
    expect(invalid.stderr).toContain('full-access');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('--type');
  });

  it('token revoke removes the token; a second revoke fails', async () => {
    const result = await runCli(['token', 'revoke', '--name', 'ci', '--app', app]);
    expect(result.code, result.stderr).toBe(0);
    const list = await runCli(['token', 'list', '--app', app]);
    expect(list.stdout.split('\n').map((line) => line.split('\t')[0])).not.toContain('ci');
    const again = await runCli(['token', 'revoke', '--name', 'ci', '--app', app]);
    expectFailure(again, 'no API token named "ci"');
  });
});

describe('quorum schema apply --dry-run on a fresh app', () => {
  let app: string;
  beforeAll(() => {
    app = copyFixtureApp('kitchen');
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('prints the plan on stdout and changes nothing; apply then applies it once', async () => {
    const plan = await runCli(['schema', 'apply', '--dry-run', '--app', app]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.split('\n')).toContain(
      `create table articles for api::article.article (${ARTICLE_FILE})`,
    );
    expectCleanStderr(plan);
    const file = path.join(app, '.quorum', 'data.db');
    if (existsSync(file)) {
      const sqlite = new BetterSqlite3(file, { readonly: true });
      try {
        expect(sqlite.prepare(`select name from sqlite_master where type = 'table'`).all()).toEqual([]);
      } finally {
        sqlite.close();
      }
    }

    const apply = await runCli(['schema', 'apply', '--app', app]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toBe(plan.stdout);
    const again = await runCli(['schema', 'apply', '--dry-run', '--app', app]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });
});

describe.skipIf(!postgresAvailable())('quorum with PostgreSQL and no QUORUM_SECRET', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db?.drop());

  it('refuses, naming QUORUM_SECRET, and leaves the database untouched', async () => {
    const app = fixtureAppPath('kitchen');
    const env = { DATABASE_URL: db.url };
    const [create, start] = await Promise.all([
      runCli(['token', 'create', '--type', 'read-only', '--name', 'ci', '--app', app], { env }),
      runCli(['start', '--app', app, '--port', '0'], { env }),
    ]);
    expectFailure(create, 'QUORUM_SECRET');
    expectFailure(start, 'QUORUM_SECRET');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select table_name from information_schema.tables where table_schema = 'public'`,
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describeEachDatabase('the CLI next to a running node', (kind) => {
  const TTL_MS = 500;
  let db: TestDatabase;
  let app: string;
  let node: QuorumProcess;
  let env: Record<string, string>;
  /** A full-access token created with the CLI next to the running node (first test). */
  let writer = '';

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    app = copyFixtureApp('kitchen');
    writeFileSync(
      path.join(app, 'quorum.config.json'),
      JSON.stringify({ auth: { tokenCacheTtlMs: TTL_MS } }),
    );
    // Embedded mode shares the secret through <app>/.quorum/secret; PostgreSQL needs QUORUM_SECRET.
    env =
      kind === 'postgres' ? { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET } : { DATABASE_URL: db.url };
    node = new QuorumProcess({ app, env, name: `node-${kind}` });
    await node.startReady();
  });
  afterAll(async () => {
    await killAllProcesses();
    await db?.drop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  const get = (token: string | undefined) =>
    node
      .fetch('/api/articles', token ? { headers: { authorization: `Bearer ${token}` } } : {})
      .then((res) => res.status);

  it('a token created with the CLI is accepted by the running node at once', async () => {
    expect(await get(undefined)).toBe(403);
    const created = await runCli(
      ['token', 'create', '--type', 'full-access', '--name', 'live', '--app', app],
      { env },
    );
    expect(created.code, created.stderr).toBe(0);
    writer = created.stdout.trim();
    expect(writer).toMatch(TOKEN);
    expect(await get(writer)).toBe(200);
    expect(await get('0'.repeat(96))).toBe(401);
  });

  it(`a token revoked with the CLI is refused within auth.tokenCacheTtlMs (${TTL_MS} ms)`, async () => {
    const created = await runCli(
      ['token', 'create', '--type', 'full-access', '--name', 'doomed', '--app', app],
      {
        env,
      },
    );
    const token = created.stdout.trim();
    expect(await get(token)).toBe(200);

    // Keep using it while the CLI revokes it, so the node has it cached when the revocation lands.
    let revoking = true;
    const keepUsing = (async () => {
      while (revoking) {
        await get(token).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const revoked = await runCli(['token', 'revoke', '--name', 'doomed', '--app', app], { env });
    const revokedAt = Date.now();
    revoking = false;
    await keepUsing;
    expect(revoked.code, revoked.stderr).toBe(0);
    let status = await get(token);
    while (status !== 401 && Date.now() - revokedAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = await get(token);
    }
    const lag = Date.now() - revokedAt;
    expect(status).toBe(401);
    // The bound is the TTL; the margin covers polling and a loaded 2-core machine.
    expect(lag).toBeLessThanOrEqual(TTL_MS + 1500);
  });

  it('schema export --out DIR prints DIR and writes the types as Strapi-layout files', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'quorum-cli-export-'));
    try {
      const result = await runCli(['schema', 'export', '--out', out, '--app', app], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${out}\n`);
      expectCleanStderr(result);
      for (const api of ['article', 'homepage', 'setting', 'tag']) {
        const relative = `src/api/${api}/content-types/${api}/schema.json`;
        const exported = JSON.parse(readFileSync(path.join(out, relative), 'utf8'));
        expect(exported, relative).toEqual(JSON.parse(readFileSync(path.join(app, relative), 'utf8')));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('schema apply --dry-run prints the plan, destructive steps marked, and applies nothing', async () => {
    const file = path.join(app, ARTICLE_FILE);
    const original = readFileSync(file, 'utf8');
    expect(writer, 'the token created in the first test').toMatch(TOKEN);
    try {
      const schema = JSON.parse(original);
      delete schema.attributes.summary;
      schema.attributes.subtitle = { type: 'string' };
      writeFileSync(file, JSON.stringify(schema, null, 2));

      const plan = await runCli(['schema', 'apply', '--dry-run', '--app', app], { env });
      expect(plan.code, plan.stderr).toBe(0);
      const lines = plan.stdout.trim().split('\n');
      expect(lines).toContain(
        `! drop column articles.summary: attribute "summary" of api::article.article (${ARTICLE_FILE}) was removed (its values would be deleted)`,
      );
      expect(lines).toContain(
        `add column articles.subtitle (attribute "subtitle" of api::article.article (${ARTICLE_FILE}))`,
      );
      expect(plan.stderr).toContain('--allow-destructive');

      const refused = await runCli(['schema', 'apply', '--app', app], { env });
      expectFailure(refused, ARTICLE_FILE);
      expect(refused.stderr).toContain('"summary"');
      expect(refused.stderr).toContain('--allow-destructive');

      // Nothing was applied: the running node still stores and returns summary.
      const res = await node.fetch('/api/articles', {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { title: 'Still here', summary: 'kept' } }),
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { data: { summary: string } }).data.summary).toBe('kept');
    } finally {
      writeFileSync(file, original);
    }
  });
});
