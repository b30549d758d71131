import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { expectInvalidCredentials, expectLocked, login, register, sleep } from './support.js';

/**
 * Login lock-out (issue 4, "Beyond the anchors"; per account since issue 16): failed logins are counted
 * per account — whichever identifier, username or email, names it — or per identifier that names no
 * account, and per client address, in the database; at `maxFailures` the account or identifier (or the
 * address) is locked for `lockMs`, doubling on each further lock-out; while locked, even the right
 * password gets 429 + Retry-After.
 */

const CONFIG = {
  bruteForce: { maxFailures: 3, windowMs: 60_000, lockMs: 1000 },
  // The auth routes' rate limit is tested in rate-limit.test.ts: out of the way here.
  rateLimit: { auth: { max: 10_000 } },
};

describeEachDatabase('brute-force protection of POST /api/auth/local', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations', config: CONFIG });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'])
      await register(t.node, name);
  });
  afterAll(() => t.close());

  it('locks an identifier after maxFailures failures, refuses even the right password, and unlocks after lockMs', async () => {
    // Each failure from another address: only the identifier's count reaches the limit.
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      expectInvalidCredentials(await login(t.node, 'alice', 'wrong', from));
    expectLocked(await login(t.node, 'alice', 'secret123', '198.51.100.4'), 1);
    // Other identifiers are not affected.
    expect((await login(t.node, 'bob', 'secret123', '198.51.100.6')).status).toBe(200);
    await sleep(1100);
    const res = await login(t.node, 'alice', 'secret123', '198.51.100.4');
    expect(res.status, res.body).toBe(200);
    expect(res.json().jwt).toEqual(expect.any(String));
  });

  it('counts failures per account: a username locked out cannot be attacked through the same account’s email', async () => {
    // issue 16: the count followed the string typed, so `grace` locked left `grace@example.com` open.
    for (const from of ['198.51.100.110', '198.51.100.111', '198.51.100.112'])
      expectInvalidCredentials(await login(t.node, 'grace', 'wrong', from));
    expectLocked(await login(t.node, 'grace@example.com', 'secret123', '198.51.100.113'));
    expectLocked(await login(t.node, 'GRACE@EXAMPLE.COM', 'wrong', '198.51.100.114'));
    expectLocked(await login(t.node, 'grace', 'secret123', '198.51.100.115'));
  });

  it('failures through the username and through the email add up for the account', async () => {
    expectInvalidCredentials(await login(t.node, 'heidi', 'wrong', '198.51.100.120'));
    expectInvalidCredentials(await login(t.node, 'heidi@example.com', 'wrong', '198.51.100.121'));
    expectInvalidCredentials(await login(t.node, 'Heidi@Example.com', 'wrong', '198.51.100.122'));
    expectLocked(await login(t.node, 'heidi', 'secret123', '198.51.100.123'));
    // A success (after the lock) clears the account's count, whichever identifier was used.
    await sleep(1100);
    expect((await login(t.node, 'heidi@example.com', 'secret123', '198.51.100.124')).status).toBe(200);
    expectInvalidCredentials(await login(t.node, 'heidi', 'wrong', '198.51.100.125'));
    expectInvalidCredentials(await login(t.node, 'heidi', 'wrong', '198.51.100.126'));
    expect((await login(t.node, 'heidi', 'secret123', '198.51.100.127')).status).toBe(200);
  });

  it('counts identifiers lower-cased', async () => {
    for (const identifier of ['Bob@Example.com', 'BOB@EXAMPLE.COM', 'bob@example.com'])
      expectInvalidCredentials(
        await login(t.node, identifier, 'wrong', `198.51.100.${10 + identifier.length}`),
      );
    expectLocked(await login(t.node, 'bob@example.com', 'secret123', '198.51.100.30'));
  });

  it('counts failures of unknown identifiers too (the answer never tells whether an account exists)', async () => {
    for (let i = 0; i < 3; i++)
      expectInvalidCredentials(await login(t.node, 'nobody@example.com', 'x', `198.51.100.${40 + i}`));
    expectLocked(await login(t.node, 'nobody@example.com', 'x', '198.51.100.49'));
  });

  it('counts failures per client address, across identifiers', async () => {
    const from = '203.0.113.7';
    for (const identifier of ['ghost1', 'ghost2', 'ghost3'])
      expectInvalidCredentials(await login(t.node, identifier, 'wrong', from));
    // The address is locked, whoever it tries to log in as — even with the right password...
    expectLocked(await login(t.node, 'carol', 'secret123', from));
    // ...while the same account logs in fine from elsewhere.
    expect((await login(t.node, 'carol', 'secret123', '203.0.113.8')).status).toBe(200);
  });

  it('a successful login resets the identifier count', async () => {
    expectInvalidCredentials(await login(t.node, 'dave', 'wrong', '198.51.100.60'));
    expectInvalidCredentials(await login(t.node, 'dave', 'wrong', '198.51.100.61'));
    expect((await login(t.node, 'dave', 'secret123', '198.51.100.62')).status).toBe(200);
    expectInvalidCredentials(await login(t.node, 'dave', 'wrong', '198.51.100.63'));
    expectInvalidCredentials(await login(t.node, 'dave', 'wrong', '198.51.100.64'));
    // Four failures in all, but never three since the last success.
    expect((await login(t.node, 'dave', 'secret123', '198.51.100.65')).status).toBe(200);
  });

  it('doubles the lock on each further lock-out', async () => {
    const fail = async (n: number) => {
      for (let i = 0; i < 3; i++)
        expectInvalidCredentials(await login(t.node, 'erin', 'wrong', `198.51.100.${70 + n * 3 + i}`));
    };
    await fail(0);
    expectLocked(await login(t.node, 'erin', 'secret123', '198.51.100.90'), 1);
    await sleep(1100);
    await fail(1);
    expectLocked(await login(t.node, 'erin', 'secret123', '198.51.100.90'), 2);
    await sleep(1100);
    expectLocked(await login(t.node, 'erin', 'secret123', '198.51.100.90'));
    await sleep(1000);
    expect((await login(t.node, 'erin', 'secret123', '198.51.100.90')).status).toBe(200);
  });

  it('keeps no identifier in clear in the database, and costs one select on a clean login', async () => {
    expectInvalidCredentials(await login(t.node, 'frank@example.com', 'wrong', '198.51.100.100'));
    const { rows } = await sql<{ key: string }>`select "key" from quorum_login_failures`.execute(
      t.node.database.db,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key).not.toMatch(/frank|example|alice|bob/i);

    const statements: string[] = [];
    const stop = t.node.database.onQuery((event) => statements.push(event.sql));
    try {
      expect((await login(t.node, 'alice', 'secret123', '198.51.100.101')).status).toBe(200);
    } finally {
      stop();
    }
    expect(statements.filter((s) => s.includes('quorum_login_failures'))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('quorum_rate_limits'))).toHaveLength(1);
  });
});
