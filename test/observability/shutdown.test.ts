import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, copyFixtureApp } from '../helpers/node.js';
import { QuorumProcess, killAllProcesses, runCli, sleep, waitFor } from '../helpers/processes.js';

/**
 * Graceful shutdown with real processes (DESIGN.md "Contracts"): on SIGTERM /readyz turns 503 at once,
 * the node keeps serving for QUORUM_DRAIN_MS, then refuses new connections while an in-flight request
 * completes, releases the leader lease (another node takes over without waiting for it to expire),
 * deregisters and exits 0 within the drain period plus 10 s.
 */

const DRAIN_MS = 2000;
const LEASE_TTL_MS = 15_000;

/** A POST whose body arrives in two parts: in flight for as long as the test waits between them. */
function slowPost(port: number, pathname: string, headers: Record<string, string>, body: string) {
  const half = Math.floor(body.length / 2);
  let finish!: () => void;
  const response = new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }),
        );
      },
    );
    request.on('error', reject);
    request.write(body.slice(0, half));
    finish = () => request.end(body.slice(half));
  });
  return { response, finish: () => finish() };
}

/** Whether a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/_health', agent: false, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(false);
      },
    );
    request.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    request.on('timeout', () => request.destroy());
  });
}

describe.skipIf(!postgresAvailable())('graceful shutdown', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let appDir: string;
  let client: pg.Client;
  let authorization: string;
  const env = () => ({ DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET, QUORUM_DRAIN_MS: String(DRAIN_MS) });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    appDir = copyFixtureApp('kitchen');
    const config = JSON.parse(readFileSync(path.join(appDir, 'quorum.config.json'), 'utf8'));
    writeFileSync(
      path.join(appDir, 'quorum.config.json'),
      JSON.stringify({ ...config, cluster: { leaseTtlMs: LEASE_TTL_MS } }),
    );
    const token = await runCli(['token', 'create', '--type', 'full-access', '--app', appDir], { env: env() });
    expect(token.code, token.stderr).toBe(0);
    authorization = `Bearer ${token.stdout.trim()}`;
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await killAllProcesses();
    await client?.end();
    await db?.drop();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  const lease = async () =>
    (
      await client.query<{ holder: string; expires_at: Date; renewed_at: Date; acquired_at: Date }>(
        `select holder, expires_at, renewed_at, acquired_at from quorum_leases where name = 'quorum-leader'`,
      )
    ).rows[0];
  const pidOf = (nodeId: string) => Number(/-(\d+)-[0-9a-f]+$/.exec(nodeId)?.[1]);

  it('drains, finishes in-flight work, hands over the lease and exits 0', async () => {
    const a = await new QuorumProcess({ app: appDir, env: env(), name: 'node-a' }).startReady();
    const b = await new QuorumProcess({ app: appDir, env: env(), name: 'node-b' }).startReady();
    const held = await waitFor('a leader', async () => (await lease()) ?? undefined);
    const leader = [a, b].find((node) => node.pid === pidOf(held.holder))!;
    const other = leader === a ? b : a;
    expect(leader, `leader ${held.holder}`).toBeDefined();

    const slow = slowPost(
      leader.port,
      '/api/articles',
      { authorization, 'x-request-id': 'in-flight-1' },
      JSON.stringify({ data: { title: 'Written while draining' } }),
    );
    await sleep(200); // the request has reached the node
    const signalled = Date.now();
    leader.signal('SIGTERM');

    // Readiness turns red at once…
    const readyz = await waitFor(
      'readyz 503',
      async () => {
        const res = await leader.fetch('/readyz');
        return res.status === 503 ? res.json() : undefined;
      },
      { timeoutMs: 1000, intervalMs: 20 },
    );
    expect(readyz).toEqual({ status: 'unavailable', reason: 'draining' });
    // …while the node keeps serving new requests during the drain, as usual: a balancer keeps using its
    // pooled connections rather than opening new ones as the listener is about to close (http/shutdown.ts).
    const during = await leader.fetch('/api/articles', { headers: { authorization } });
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('keep-alive');
    expect(Date.now() - signalled).toBeLessThan(DRAIN_MS);

    // After the drain: new connections are refused, though the in-flight request keeps the process up.
    await waitFor('connections refused', async () => ((await refused(leader.port)) ? true : undefined), {
      timeoutMs: DRAIN_MS + 3000,
      intervalMs: 50,
    });
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DRAIN_MS - 50);
    expect(leader.running).toBe(true);
    slow.finish();
    const written = await slow.response;
    expect(written.status, written.body).toBe(201);
    // Answered after the listener closed: the client is told to close the connection itself.
    expect(written.connection).toBe('close');

    const exit = await leader.waitExit(DRAIN_MS + 10_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const exitedAfter = Date.now() - signalled;
    expect(exitedAfter).toBeLessThan(DRAIN_MS + 10_000);

    // The write that was in flight is there, served by the node that drained.
    const rows = await client.query(
      `select count(*)::int as n from quorum_outbox where request_id = 'in-flight-1'`,
    );
    expect(rows.rows[0].n).toBeGreaterThanOrEqual(1);
    const logged = leader.logs().find((line) => line.requestId === 'in-flight-1' && line.msg === 'request');
    expect(logged?.status).toBe(201);

    // Lease released, not left to expire: the other node leads within one renewal interval, long
    // before the released lease would have run out.
    const released = await lease();
    const takeover = await waitFor(
      'the other node to take the lease',
      async () => {
        const now = await lease();
        return now.holder !== held.holder ? now : undefined;
      },
      { timeoutMs: LEASE_TTL_MS, intervalMs: 100 },
    );
    expect(pidOf(takeover.holder)).toBe(other.pid);
    expect(takeover.acquired_at.getTime()).toBeLessThan(released.renewed_at.getTime() + LEASE_TTL_MS - 2000);
    // Deregistered.
    const nodes = await client.query(`select id from quorum_nodes`);
    expect(nodes.rows.map((row) => row.id)).not.toContain(held.holder);
    expect(leader.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['draining before shutdown', 'stopped']),
    );
    await other.stop();
  });

  it('exits within the drain period plus 10 s even when a client never finishes its request', async () => {
    const node = await new QuorumProcess({
      app: appDir,
      env: { ...env(), QUORUM_DRAIN_MS: '500' },
    }).startReady();
    const stuck = slowPost(
      node.port,
      '/api/articles',
      { authorization },
      JSON.stringify({ data: { title: 'x' } }),
    );
    stuck.response.catch(() => {}); // its connection is cut
    await sleep(200);
    const signalled = Date.now();
    node.signal('SIGTERM');
    const exit = await node.waitExit(500 + 10_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(500 + 10_000);
  });
});
