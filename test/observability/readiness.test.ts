import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, fixtureAppPath } from '../helpers/node.js';
import { QuorumProcess, killAllProcesses, runCli, waitFor } from '../helpers/processes.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * /readyz follows the database (DESIGN.md "Contracts"): 503 with a JSON reason while PostgreSQL cannot
 * be reached, 200 again when it can, without restarting the node; /_health stays 204 throughout. The
 * outage is a fault-injecting proxy in front of the shared server (which is never stopped).
 */
describe.skipIf(!postgresAvailable())('readiness follows the database', { timeout: 90_000 }, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let node: QuorumProcess;
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const direct = new URL(db.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const env = { DATABASE_URL: proxy.rewrite(db.url), QUORUM_SECRET: TEST_SECRET };
    const app = fixtureAppPath('kitchen');
    node = new QuorumProcess({ app, env, name: 'readiness' });
    await node.startReady();
    const token = await runCli(['token', 'create', '--type', 'read-only', '--app', app], { env });
    expect(token.code, token.stderr).toBe(0);
    authorization = `Bearer ${token.stdout.trim()}`;
  });
  afterAll(async () => {
    await killAllProcesses();
    await proxy?.close();
    await db?.drop();
  });

  const readyz = async () => {
    const res = await node.fetch('/readyz', { timeoutMs: 10_000 });
    return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
  };

  it('turns 503 when the database is unreachable and 200 when it is back', async () => {
    const pid = node.pid;
    expect((await readyz()).status).toBe(200);
    expect((await node.fetch('/api/articles', { headers: { authorization } })).status).toBe(200);

    await proxy.cut();
    const down = await waitFor('readyz 503', async () => {
      if (!node.running) throw new Error(node.tail());
      const state = await readyz();
      return state.status === 503 ? state : undefined;
    });
    expect(down.body).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    // Liveness is not readiness: the process is fine, the orchestrator must not restart it.
    expect((await node.fetch('/_health')).status).toBe(204);
    // A request that needs the database fails cleanly (no hang, no crash).
    const during = await node.fetch('/api/articles?filters[title][$eq]=outage', {
      headers: { authorization },
      timeoutMs: 30_000,
    });
    expect(during.status).toBeGreaterThanOrEqual(500);

    await proxy.restore();
    await waitFor('readyz 200', async () => ((await readyz()).status === 200 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect((await readyz()).body).toEqual({ status: 'ready' });
    await waitFor(
      'content reads again',
      async () =>
        (await node.fetch('/api/articles', { headers: { authorization } })).status === 200 ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(node.pid).toBe(pid);
    expect(node.running).toBe(true);
  });
});
