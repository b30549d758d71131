import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { waitFor } from '../helpers/processes.js';
import { Scrape } from './support.js';

/**
 * GET /metrics (README "Metrics"): Prometheus text from the node's own registry, counters that move with
 * traffic, label values that stay bounded however many documents are requested, the optional token.
 */

const ROUTE_LIST = '/api/:name';
const ROUTE_DOCUMENT = '/api/:name/:documentId';

async function scrape(t: TestNode, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await t.request({ url: '/metrics', auth: 'none', headers });
  expect(res.status, res.body).toBe(200);
  return new Scrape(res.body);
}

describeEachDatabase('metrics', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  it('answers Prometheus text with the registry content type, open without credentials', async () => {
    const res = await t.request({ url: '/metrics', auth: 'none' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const metrics = new Scrape(res.body);
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'quorum_db_query_duration_seconds',
      'quorum_leader',
      'quorum_schema_version',
      'quorum_plan_cache_requests_total',
      'quorum_bus_message_latency_seconds',
      // prom-client's default process metrics, on the node's registry
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(metrics.families.has(name), name).toBe(true);
    }
    expect(metrics.family('http_requests_total').type).toBe('counter');
    expect(metrics.family('http_request_duration_seconds').type).toBe('histogram');
    expect(metrics.value('quorum_schema_version')).toBe(t.node.core.schema().version);
  });

  it('counts requests by method, route template and status, and times them', async () => {
    const before = await scrape(t);
    for (let i = 0; i < 3; i++) expect((await t.request({ url: '/api/articles' })).status).toBe(200);
    const created = await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'M' } } });
    expect(created.status).toBe(201);
    const documentId = created.json().data.documentId as string;
    expect((await t.request({ url: `/api/articles/${documentId}` })).status).toBe(200);
    expect((await t.request({ url: '/api/articles', auth: 'none' })).status).toBe(403);
    const after = await scrape(t);

    const moved = (labels: Record<string, string>) =>
      after.value('http_requests_total', labels) - before.value('http_requests_total', labels);
    expect(moved({ method: 'GET', route: ROUTE_LIST, status: '200' })).toBe(3);
    expect(moved({ method: 'POST', route: ROUTE_LIST, status: '201' })).toBe(1);
    expect(moved({ method: 'GET', route: ROUTE_DOCUMENT, status: '200' })).toBe(1);
    expect(moved({ method: 'GET', route: ROUTE_LIST, status: '403' })).toBe(1);
    // The histogram counts the same requests (http_requests_total is derived from it).
    const get200 = { method: 'GET', route: ROUTE_LIST, status: '200' };
    expect(
      after.count('http_request_duration_seconds', get200) -
        before.count('http_request_duration_seconds', get200),
    ).toBe(3);
    expect(after.sum('http_request_duration_seconds', get200)).toBeGreaterThan(0);

    // Statements: the reads selected, the create inserted.
    const statements = (operation: string) =>
      after.count('quorum_db_query_duration_seconds', { operation }) -
      before.count('quorum_db_query_duration_seconds', { operation });
    expect(statements('select')).toBeGreaterThanOrEqual(4);
    expect(statements('insert')).toBeGreaterThanOrEqual(1);
  });

  it('keeps label values bounded: route templates, never URLs or ids', async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    for (const id of ids.slice(0, 10)) await t.request({ url: `/api/articles/${id}` });
    for (const id of ids.slice(0, 10)) await t.request({ url: `/no-such-${id}/x?y=${id}` });
    const first = await scrape(t);
    for (const id of ids.slice(10)) await t.request({ url: `/api/articles/${id}` });
    for (const id of ids.slice(10)) await t.request({ url: `/no-such-${id}/x?y=${id}` });
    for (const id of ids.slice(10)) await t.request({ method: 'PUT', url: `/api/articles/${id}`, body: {} });
    const second = await scrape(t);

    const routes = second.labelValues('http_requests_total', 'route');
    for (const route of routes) {
      expect(route === 'unmatched' || /^\/[A-Za-z0-9_/:*.-]*$/.test(route), route).toBe(true);
      for (const id of ids) expect(route).not.toContain(id);
    }
    expect(routes).toContain('unmatched');
    expect(second.value('http_requests_total', { method: 'GET', route: ROUTE_DOCUMENT, status: '404' })).toBe(
      first.value('http_requests_total', { method: 'GET', route: ROUTE_DOCUMENT, status: '404' }) + 30,
    );
    // 30 more distinct ids and paths added no GET series (the PUTs add at most a status or two).
    const getSeries = (s: Scrape) => s.samples('http_requests_total', { method: 'GET' }).length;
    expect(getSeries(second)).toBe(getSeries(first));
    expect(second.family('http_requests_total').samples.length).toBeLessThan(40);
  });

  it('counts plan-cache hits and misses', async () => {
    const url = `/api/articles?filters[title][$eq]=${randomUUID()}`;
    const before = await scrape(t);
    // Past the response cache (on by default with SQLite), so every request parses or reuses a plan.
    const headers = { 'cache-control': 'no-cache' };
    for (let i = 0; i < 4; i++) expect((await t.request({ url, headers })).status).toBe(200);
    const after = await scrape(t);
    const moved = (result: string) =>
      after.value('quorum_plan_cache_requests_total', { result }) -
      before.value('quorum_plan_cache_requests_total', { result });
    expect(moved('miss')).toBeGreaterThanOrEqual(1);
    expect(moved('hit')).toBeGreaterThanOrEqual(3);
  });

  it('counts response-cache hits, misses and bypasses (where the cache is on)', async () => {
    const url = `/api/articles?filters[title][$eq]=${randomUUID()}`;
    const before = await scrape(t);
    for (let i = 0; i < 3; i++) expect((await t.request({ url })).status).toBe(200);
    expect((await t.request({ url, headers: { 'cache-control': 'no-cache' } })).status).toBe(200);
    const after = await scrape(t);
    if (kind === 'postgres') {
      // Off by default on PostgreSQL: the series is never written.
      expect(after.text).not.toContain('quorum_response_cache_requests_total{');
      return;
    }
    const moved = (result: string) =>
      after.value('quorum_response_cache_requests_total', { result }) -
      before.value('quorum_response_cache_requests_total', { result });
    expect([moved('miss'), moved('hit'), moved('bypass')]).toEqual([1, 2, 1]);
    expect(after.value('quorum_response_cache_bytes')).toBeGreaterThan(0);
  });

  it('reports the leader flag and the outbox backlog', async () => {
    // One node: it elects itself shortly after start.
    await waitFor('quorum_leader 1', async () =>
      (await scrape(t)).value('quorum_leader') === 1 ? true : undefined,
    );
    const metrics = await scrape(t);
    expect(metrics.family('quorum_outbox_backlog').type).toBe('gauge');
    expect(metrics.value('quorum_outbox_backlog', { kind: 'events' })).toBeGreaterThanOrEqual(0);
    expect(metrics.value('quorum_outbox_backlog', { kind: 'deliveries' })).toBeGreaterThanOrEqual(0);
  });

  it('observes bus message latency', async () => {
    const before = (await scrape(t)).count('quorum_bus_message_latency_seconds');
    t.node.tokens.invalidate();
    await waitFor('a bus latency sample', async () =>
      (await scrape(t)).count('quorum_bus_message_latency_seconds') > before ? true : undefined,
    );
  });

  // Only PostgreSQL has a connection pool (SQLite is one in-process connection): skipped on SQLite.
  it.runIf(kind === 'postgres')('reports the PostgreSQL pool', async () => {
    const metrics = await scrape(t);
    expect(metrics.value('quorum_db_pool_connections', { state: 'max' })).toBe(
      t.node.config.database.pool.max,
    );
    expect(metrics.value('quorum_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(metrics.value('quorum_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(metrics.value('quorum_db_pool_waiting')).toBeGreaterThanOrEqual(0);
  });
});

describe('metrics with QUORUM_METRICS_TOKEN', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind: 'sqlite',
      app: 'kitchen',
      env: { QUORUM_METRICS_TOKEN: 'scrape-me-0123' },
    });
  });
  afterAll(() => t.close());

  it('needs the bearer token', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: 'scrape-me-0123' },
    ];
    for (const headers of attempts) {
      const res = await t.request({ url: '/metrics', auth: 'none', headers });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.json().error.status).toBe(401);
      expect(res.body).not.toContain('http_requests_total');
    }
    const metrics = await scrape(t, { authorization: 'Bearer scrape-me-0123' });
    expect(metrics.families.has('http_requests_total')).toBe(true);
  });

  it('keeps each node in its own registry', async () => {
    const other = await startTestNode({ kind: 'sqlite', app: 'kitchen' });
    try {
      for (let i = 0; i < 5; i++) await other.request({ url: '/api/articles' });
      const mine = await scrape(t, { authorization: 'Bearer scrape-me-0123' });
      expect(mine.value('http_requests_total', { method: 'GET', route: ROUTE_LIST, status: '200' })).toBe(0);
      expect(other.node.metrics.registry).not.toBe(t.node.metrics.registry);
    } finally {
      await other.close();
    }
  });
});
