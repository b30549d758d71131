import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import {
  expectInvalidCredentials,
  expectLocked,
  login,
  register,
  send,
  startCluster,
  type TestCluster,
} from './support.js';

/**
 * Two nodes on one database share the lock-out and rate-limit counters: an attacker who spreads
 * attempts over the nodes behind a balancer gets no more tries than against one node.
 */
describeEachDatabase('brute-force and rate limits across two nodes', (kind) => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster({
      kind,
      app: 'relations',
      size: 2,
      config: {
        bruteForce: { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 },
        rateLimit: { auth: { max: 4, windowMs: 60_000 } },
      },
    });
    await register(cluster.nodes[0], 'alice');
  });
  afterAll(() => cluster?.close());

  it('locks an identifier whose failures are split across both nodes', async () => {
    const [a, b] = cluster.nodes;
    expectInvalidCredentials(await login(a, 'alice', 'wrong', '198.51.100.1'));
    expectInvalidCredentials(await login(b, 'alice', 'wrong', '198.51.100.2'));
    expectInvalidCredentials(await login(a, 'alice', 'wrong', '198.51.100.3'));
    expectLocked(await login(b, 'alice', 'secret123', '198.51.100.4'));
    expectLocked(await login(a, 'alice', 'secret123', '198.51.100.5'));
  });

  it('locks an address whose failures are split across both nodes', async () => {
    const [a, b] = cluster.nodes;
    const from = '203.0.113.9';
    expectInvalidCredentials(await login(b, 'x1', 'wrong', from));
    expectInvalidCredentials(await login(a, 'x2', 'wrong', from));
    expectInvalidCredentials(await login(b, 'x3', 'wrong', from));
    expectLocked(await login(a, 'x4', 'whatever', from));
  });

  it('shares the rate-limit window', async () => {
    const [a, b] = cluster.nodes;
    const from = '203.0.113.50';
    const url = '/api/auth/forgot-password';
    const body = { email: 'someone@example.com' };
    for (const node of [a, b, a, b]) expect((await send(node, { url, body, from })).status).toBe(200);
    for (const node of [a, b]) {
      const res = await send(node, { url, body, from });
      expect(res.status).toBe(429);
      expect(res.json().error.message).toBe('Too many attempts, please try again in a minute.');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('counts concurrent failures on both nodes exactly', async () => {
    const [a, b] = cluster.nodes;
    await register(a, 'bob');
    // Two failures at once, one per node: both counted, so the third (on either node) locks.
    const [r1, r2] = await Promise.all([
      login(a, 'bob', 'wrong', '198.51.100.20'),
      login(b, 'bob', 'wrong', '198.51.100.21'),
    ]);
    expectInvalidCredentials(r1);
    expectInvalidCredentials(r2);
    expectInvalidCredentials(await login(b, 'bob', 'wrong', '198.51.100.22'));
    expectLocked(await login(a, 'bob', 'secret123', '198.51.100.23'));
  });
});
