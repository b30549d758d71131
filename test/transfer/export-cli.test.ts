import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, TEST_SECRET, type TestNode } from '../helpers/node.js';
import { killAllProcesses, runCli } from '../helpers/processes.js';
import { readContents } from './archive-contents.js';
import { seedShop, SHOP_APP } from './shop.js';

// `quorum export` as a user runs it: the built command, the database a node serves, stdin not a terminal.
describeEachDatabase('quorum export command', (kind) => {
  let t: TestNode;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: SHOP_APP, copy: true });
    await seedShop(t);
    dir = mkdtempSync(path.join(tmpdir(), 'quorum-export-cli-'));
    env = { DATABASE_URL: t.db.url, QUORUM_SECRET: TEST_SECRET };
  }, 60_000);

  afterAll(async () => {
    killAllProcesses();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const quorum = (...args: string[]) =>
    runCli(['export', ...args, '--app', t.appDir], { env, timeoutMs: 60_000 });

  it('adds the ending Strapi reads, prints the path on stdout, progress and a summary on stderr', async () => {
    const result = await quorum(path.join(dir, 'backup'));
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(dir, 'backup.tar.gz');
    expect(result.stdout).toBe(`${file}\n`);
    // Not a terminal: one plain line per stage, then the summary.
    for (const stage of ['schemas', 'entities', 'assets', 'links', 'configuration'])
      expect(result.stderr).toMatch(new RegExp(`^${stage}: [0-9,]+`, 'm'));
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toMatch(
      /^exported 30 entities, \d+ links, 6 files \([0-9.]+ KB\), 11 schemas, 1 configuration line to .*backup\.tar\.gz \(/m,
    );
    const contents = await readContents(file);
    expect(contents.names.at(-1)).toBe('metadata.json');
  });

  it('refuses to replace a file without --force, without asking when stdin is not a terminal', async () => {
    const file = path.join(dir, 'taken.tar.gz');
    writeFileSync(file, 'keep me');
    const refused = await quorum(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/taken\.tar\.gz already exists: .*--force/);
    expect(refused.stdout).toBe('');
    const forced = await quorum(file, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readContents(file)).names).toContain('metadata.json');
  });

  it('--no-compress writes a .tar, --key an encrypted .tar.gz.enc, --only/--exclude choose stages', async () => {
    const tar = await quorum(path.join(dir, 'plain'), '--no-compress', '--exclude', 'files,config');
    expect(tar.code, tar.stderr).toBe(0);
    const plain = await readContents(path.join(dir, 'plain.tar'));
    expect(plain.names.some((n) => n.startsWith('assets/') || n.startsWith('configuration/'))).toBe(false);
    expect(plain.names.some((n) => n.startsWith('entities/'))).toBe(true);

    const enc = await quorum(path.join(dir, 'sealed'), '--key', 'a passphrase', '--only', 'files');
    expect(enc.code, enc.stderr).toBe(0);
    const sealed = await readContents(path.join(dir, 'sealed.tar.gz.enc'), { key: 'a passphrase' });
    expect(sealed.names.some((n) => n.startsWith('entities/'))).toBe(false);
    expect(sealed.names.filter((n) => n.startsWith('assets/uploads/'))).toHaveLength(6);
  });

  it('says what is wrong with contradicting or unknown options', async () => {
    const cases: [string[], RegExp][] = [
      [['x', '--key', 'k', '--no-encrypt'], /--key and --no-encrypt/],
      [['x', '--only', 'content', '--exclude', 'files'], /--only and --exclude/],
      [['x', '--only', 'pictures'], /unknown part "pictures"/],
      [['x.tar', '--key', 'k'], /must end in \.tar\.gz\.enc/],
    ];
    for (const [args, message] of cases) {
      const result = await quorum(...args.map((a, i) => (i === 0 ? path.join(dir, a) : a)));
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(dir, 'x.tar.gz'))).toBe(false);
  });

  // A SQLite database is a file a mistyped path would create; on PostgreSQL a missing database is the
  // server's connection error, covered by test/cli: so this runs on SQLite only.
  it.runIf(kind === 'sqlite')(
    'refuses a database that does not exist or that no node started on, without creating one',
    async () => {
      const missing = path.join(dir, 'nothing-here.db');
      const result = await runCli(['export', path.join(dir, 'none'), '--app', t.appDir], {
        env: { DATABASE_URL: `sqlite:${missing}`, QUORUM_SECRET: TEST_SECRET },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`there is no database at ${missing}`);
      expect(existsSync(missing)).toBe(false);
      const empty = path.join(dir, 'empty.db');
      writeFileSync(empty, '');
      const blank = await runCli(['export', path.join(dir, 'none'), '--app', t.appDir], {
        env: { DATABASE_URL: `sqlite:${empty}`, QUORUM_SECRET: TEST_SECRET },
      });
      expect(blank.code).toBe(1);
      expect(blank.stderr).toMatch(/holds no Quorum schema/);
      expect(existsSync(path.join(dir, 'none.tar.gz'))).toBe(false);
    },
  );
});
