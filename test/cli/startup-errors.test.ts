import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../helpers/databases.js';
import { TEST_SECRET, copyAppDir, copyFixtureApp } from '../helpers/node.js';
import { REPO_ROOT, freePort, killAllProcesses, runCli, type CliResult } from '../helpers/processes.js';

/**
 * What `quorum` says when the machine around it is not ready (issue 16, "infrastructure errors"): a
 * port in use, a database that cannot be reached or does not exist, an unknown command. Each is one
 * `quorum: …` line with the cause and a hint, no stack trace, and a non-zero exit; the port is checked
 * before the database is touched.
 */

afterAll(killAllProcesses);

function expectOneLine(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('{'));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^quorum: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

/** Holds a port the way another program would. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return { port, server };
}

describe('quorum start on a port in use', () => {
  let app: string;
  let held: { port: number; server: Server };
  beforeAll(async () => {
    app = copyFixtureApp('kitchen');
    rmSync(path.join(app, '.quorum'), { recursive: true, force: true });
    held = await occupyPort();
  });
  afterAll(() => {
    held?.server.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('says so in one line with a hint, exits 1, and never opened the SQLite database', async () => {
    const result = await runCli(['start', '--app', app, '--port', String(held.port)]);
    expectOneLine(result, new RegExp(`port ${held.port} is already in use.*--port or PORT`));
    // No secret, no database file, no migration: the port was checked first.
    expect(existsSync(path.join(app, '.quorum'))).toBe(false);
    expect(result.stderr).not.toContain('applied system migration');
  });

  it.skipIf(!postgresAvailable())('leaves a PostgreSQL database untouched', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const result = await runCli(['start', '--app', app, '--port', String(held.port)], {
        env: { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET },
      });
      expectOneLine(result, /is already in use/);
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
    } finally {
      await db.drop();
    }
  });
});

describe('quorum with a PostgreSQL it cannot use', () => {
  const app = copyFixtureApp('kitchen');
  afterAll(() => rmSync(app, { recursive: true, force: true }));
  const PASSWORD = 'pw-that-must-not-leak';

  it('an unreachable server: one line naming host and port, never the password', async () => {
    const port = await freePort(); // nothing listens there
    for (const args of [
      ['start', '--app', app, '--port', '0'],
      ['token', 'create', '--type', 'read-only', '--app', app],
    ]) {
      const result = await runCli(args, {
        env: {
          DATABASE_URL: `postgres://quorum:${PASSWORD}@127.0.0.1:${port}/quorum`,
          QUORUM_SECRET: TEST_SECRET,
        },
      });
      expectOneLine(result, new RegExp(`cannot reach PostgreSQL on 127\\.0\\.0\\.1:${port}.*DATABASE_URL`));
      expect(result.stderr).not.toContain(PASSWORD);
    }
  });

  it.skipIf(!postgresAvailable())('a database that does not exist: one line with `createdb`', async () => {
    const db = await createTestDatabase('postgres');
    const url = new URL(db.url);
    await db.drop(); // a server that answers, without that database
    const name = url.pathname.slice(1);
    const result = await runCli(['start', '--app', app, '--port', '0'], {
      env: { DATABASE_URL: url.toString(), QUORUM_SECRET: TEST_SECRET },
    });
    expectOneLine(result, new RegExp(`database "${name}" does not exist.*\`createdb ${name}\``));
  });
});

describe('quorum start with a placeholder secret of deploy/', () => {
  it('refuses the QUORUM_SECRET of .env.example in one line naming it, never printing it', async () => {
    const example = readFileSync(path.join(REPO_ROOT, 'deploy', 'compose', '.env.example'), 'utf8');
    const secret = /^QUORUM_SECRET=(.+)$/m.exec(example)![1];
    const app = copyFixtureApp('kitchen');
    try {
      const result = await runCli(['start', '--app', app, '--port', '0'], { env: { QUORUM_SECRET: secret } });
      expectOneLine(result, /QUORUM_SECRET is still the placeholder/);
      expect(result.stderr).not.toContain(secret);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

describe('quorum start with a misspelt option in a schema file', () => {
  it('exits 1 with one line naming the file, attribute and key, with the nearest valid key', async () => {
    const app = copyFixtureApp('kitchen');
    try {
      const file = path.join(app, 'src/api/article/content-types/article/schema.json');
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      schema.attributes.title.maxLenght = 120;
      writeFileSync(file, JSON.stringify(schema, null, 2));
      const result = await runCli(['start', '--app', app, '--port', '0'], {
        env: { QUORUM_SECRET: TEST_SECRET },
      });
      expectOneLine(
        result,
        /src\/api\/article\/content-types\/article\/schema\.json: attribute "title": "maxLenght" is not a known key; did you mean `maxLength`\?$/,
      );
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresAvailable())('quorum start with a seed file that fails', () => {
  it(
    'exits 1 with one line naming the seed entry, and loads none of the seed',
    { timeout: 60_000 },
    async () => {
      // Issue 16: the node stayed up (leader election and resync still running on a closed database).
      const app = copyAppDir(path.join(REPO_ROOT, 'examples', 'blog'));
      const db = await createTestDatabase('postgres');
      try {
        const file = path.join(app, 'seed.json');
        const seed = JSON.parse(readFileSync(file, 'utf8'));
        seed['api::author.author'][1].email = 'not-an-email';
        writeFileSync(file, JSON.stringify(seed));
        const result = await runCli(['start', '--app', app, '--port', '0'], {
          env: { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET },
          timeoutMs: 30_000,
        });
        expectOneLine(result, /seed file .*seed\.json: api::author\.author entry 2: /);
        // The seed is one transaction: the first author did not stay behind (a restart seeds again).
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query(`select count(*)::int as n from authors`);
          expect(rows).toEqual([{ n: 0 }]);
        } finally {
          await client.end();
        }
      } finally {
        await db.drop();
        rmSync(app, { recursive: true, force: true });
      }
    },
  );
});

describe('quorum with an unknown command', () => {
  it('says it is unknown and exits non-zero, with a suggestion when one is close', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const typo = await runCli(['strat']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/unknown command 'strat'\s*\(Did you mean start\?\)/);
  });

  it('`quorum help <unknown>` says it is unknown instead of printing the root help', async () => {
    const result = await runCli(['help', 'frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    const typo = await runCli(['help', 'tokn']);
    expect(typo.stderr).toMatch(/unknown command 'tokn'\s*\(Did you mean token\?\)/);
    // Help for a command that exists is unchanged.
    const token = await runCli(['help', 'token']);
    expect(token.code).toBe(0);
    expect(token.stdout).toContain('Usage: quorum token');
  });
});
