/* global setTimeout, fetch, performance */
// Outbox and webhook benchmark (issue 6): three Quorum nodes on a fresh PostgreSQL database and a fast
// webhook receiver on 127.0.0.1, all on this machine.
//   1. write latency of a create (p50/p99), without any webhook and then with one registered;
//   2. delivery throughput: a backlog of events committed at once, delivered by the three nodes;
//   3. sustained: concurrent creates through the three nodes while their events are delivered.
// Usage: npm run bench:outbox (builds first). Environment: QUORUM_BENCH_PG_URL or BENCH_PG_URL (a role
// that may create databases; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_WRITES (latency
// samples, 400), BENCH_BACKLOG (events, 5000), BENCH_SUSTAINED (creates, 2000), BENCH_CONCURRENCY (16),
// BENCH_NODES (3).
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { REPO } from './lib/paths.mjs';
import { createDatabase } from './lib/postgres.mjs';
import { QuorumNode } from './lib/quorum-node.mjs';

const WRITES = Number(process.env.BENCH_WRITES ?? 400);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);
const SUSTAINED = Number(process.env.BENCH_SUSTAINED ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const NODES = Number(process.env.BENCH_NODES ?? 3);
const ADMIN = { email: 'bench@example.com', password: 'benchpass123' };

const log = (...args) => console.error('[outbox bench]', ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
};
const ms = (value) => `${value.toFixed(1)} ms`;

function appDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'quorum-bench-outbox-'));
  const types = path.join(dir, 'src', 'api', 'note', 'content-types', 'note');
  mkdirSync(types, { recursive: true });
  writeFileSync(
    path.join(types, 'schema.json'),
    JSON.stringify({
      kind: 'collectionType',
      collectionName: 'notes',
      info: { singularName: 'note', pluralName: 'notes', displayName: 'Note' },
      options: { draftAndPublish: false },
      attributes: { title: { type: 'string' }, body: { type: 'text' } },
    }),
  );
  writeFileSync(
    path.join(dir, 'quorum.config.json'),
    JSON.stringify({ log: { requests: false }, webhooks: { pollMs: 200 } }),
  );
  return dir;
}

async function json(base, method, pathname, headers, body) {
  const response = await fetch(base + pathname, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${pathname} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A receiver that answers 200 at once and records the first arrival of each delivery key. */
function startReceiver() {
  const firstSeen = new Map();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const key = req.headers['x-quorum-delivery'];
      if (!firstSeen.has(key)) firstSeen.set(key, { at: Date.now(), body: Buffer.concat(chunks).toString() });
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        firstSeen,
        requests: () => requests,
        url: `http://127.0.0.1:${server.address().port}/hook`,
      }),
    ),
  );
}

async function createLatency(base, auth, count, label) {
  const samples = [];
  for (let i = 0; i < count + 30; i++) {
    const started = performance.now();
    await json(base, 'POST', '/api/notes', auth, { data: { title: `${label}-${i}`, body: 'x'.repeat(200) } });
    if (i >= 30) samples.push(performance.now() - started); // the first 30 warm up
  }
  return {
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  const database = await createDatabase('quorum_bench_outbox');
  const app = appDir();
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    QUORUM_SECRET: 'bench-secret-0123456789abcdef',
    QUORUM_ADMIN_EMAIL: ADMIN.email,
    QUORUM_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    QUORUM_DRAIN_MS: '0',
  };
  const nodes = Array.from(
    { length: NODES },
    (_, i) => new QuorumNode(`node ${i + 1}`, app, env, { echoStderr: true }),
  );
  const receiver = await startReceiver();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => {}); // idle connections are cut when the database is dropped at the end
  try {
    log(`starting ${NODES} nodes on ${database.name}`);
    await nodes[0].start(); // the first one creates the tables
    await Promise.all(nodes.slice(1).map((node) => node.start()));
    const login = await json(nodes[0].url, 'POST', '/admin/api/login', {}, ADMIN);
    const admin = { authorization: `Bearer ${login.data.token}` };
    const token = await json(nodes[0].url, 'POST', '/admin/api/api-tokens', admin, {
      name: 'bench',
      type: 'full-access',
    });
    const auth = { authorization: `Bearer ${token.data.accessKey}` };

    log(`write latency without a webhook (${WRITES} creates)`);
    const without = await createLatency(nodes[0].url, auth, WRITES, 'plain');
    await json(nodes[0].url, 'POST', '/admin/api/webhooks', admin, {
      name: 'bench',
      url: receiver.url,
      events: ['entry.create'],
    });
    log(`write latency with a webhook (${WRITES} creates)`);
    const before = receiver.firstSeen.size;
    const withHook = await createLatency(nodes[0].url, auth, WRITES, 'hooked');
    await waitFor(
      () => receiver.firstSeen.size >= before + WRITES + 30,
      60_000,
      'the latency run deliveries',
    );
    const lags = [...receiver.firstSeen.values()]
      .slice(before)
      .map((r) => r.at - Date.parse(JSON.parse(r.body).createdAt));

    log(`delivery throughput: a backlog of ${BACKLOG} events committed at once`);
    const base = receiver.firstSeen.size;
    const client = await pool.connect();
    let committedAt;
    try {
      await client.query('begin');
      const now = new Date().toISOString();
      for (let i = 0; i < BACKLOG; i += 1000) {
        const values = [];
        const params = [];
        for (let j = i; j < Math.min(BACKLOG, i + 1000); j++) {
          const documentId = randomUUID().replace(/-/g, '').slice(0, 24);
          const payload = {
            event: 'entry.create',
            createdAt: now,
            model: 'note',
            uid: 'api::note.note',
            entry: { id: j, documentId, title: `backlog ${j}` },
          };
          params.push(`api::note.note:${documentId}`, JSON.stringify(payload), now);
          const k = params.length;
          values.push(`('content', 'entry.create', $${k - 2}, $${k - 1}, 'new', 0, $${k})`);
        }
        await client.query(
          `insert into quorum_outbox (topic, type, key, payload, status, attempts, created_at) values ${values.join(',')}`,
          params,
        );
      }
      await client.query('commit');
      committedAt = Date.now();
    } finally {
      client.release();
    }
    await waitFor(() => receiver.firstSeen.size >= base + BACKLOG, 300_000, 'the backlog');
    const backlogMs =
      Math.max(...[...receiver.firstSeen.values()].slice(base).map((r) => r.at)) - committedAt;

    log(`sustained: ${SUSTAINED} creates, ${CONCURRENCY} at a time through ${NODES} nodes`);
    const start = receiver.firstSeen.size;
    const writeStart = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SUSTAINED) {
          const i = next++;
          await json(nodes[i % NODES].url, 'POST', '/api/notes', auth, {
            data: { title: `sustained-${i}` },
          });
        }
      }),
    );
    const writeMs = Date.now() - writeStart;
    await waitFor(() => receiver.firstSeen.size >= start + SUSTAINED, 300_000, 'the sustained deliveries');
    const sustained = [...receiver.firstSeen.values()].slice(start);
    const deliveredMs = Math.max(...sustained.map((r) => r.at)) - writeStart;
    const sustainedLags = sustained.map((r) => r.at - Date.parse(JSON.parse(r.body).createdAt));

    const result = {
      date: new Date().toISOString(),
      nodes: NODES,
      database: 'postgres',
      writeLatency: {
        withoutWebhook: without,
        withWebhook: withHook,
        overheadP50Ms: withHook.p50 - without.p50,
        overheadP99Ms: withHook.p99 - without.p99,
        eventToDeliveryMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99) },
      },
      backlog: { events: BACKLOG, ms: backlogMs, eventsPerSecond: (BACKLOG * 1000) / backlogMs },
      sustained: {
        creates: SUSTAINED,
        concurrency: CONCURRENCY,
        writesPerSecond: (SUSTAINED * 1000) / writeMs,
        deliveredPerSecond: (SUSTAINED * 1000) / deliveredMs,
        eventToDeliveryMs: { p50: quantile(sustainedLags, 0.5), p99: quantile(sustainedLags, 0.99) },
      },
      receiverRequests: receiver.requests(),
    };
    console.log(
      [
        `Outbox benchmark — ${NODES} nodes, PostgreSQL, receiver on 127.0.0.1`,
        `create latency without a webhook   p50 ${ms(without.p50)}   p99 ${ms(without.p99)}`,
        `create latency with a webhook      p50 ${ms(withHook.p50)}   p99 ${ms(withHook.p99)}` +
          `   (overhead p50 ${ms(result.writeLatency.overheadP50Ms)}, p99 ${ms(result.writeLatency.overheadP99Ms)})`,
        `event → delivery (sequential writes) p50 ${ms(result.writeLatency.eventToDeliveryMs.p50)}   p99 ${ms(result.writeLatency.eventToDeliveryMs.p99)}`,
        `backlog of ${BACKLOG} events delivered in ${(backlogMs / 1000).toFixed(2)} s: ${result.backlog.eventsPerSecond.toFixed(0)} events/s`,
        `sustained: ${result.sustained.writesPerSecond.toFixed(0)} creates/s written, ${result.sustained.deliveredPerSecond.toFixed(0)} events/s delivered,` +
          ` event → delivery p50 ${ms(result.sustained.eventToDeliveryMs.p50)} p99 ${ms(result.sustained.eventToDeliveryMs.p99)}`,
      ].join('\n'),
    );
    const dir = path.join(REPO, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `outbox-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    log(`written to ${path.relative(REPO, file)}`);
  } finally {
    await Promise.all(nodes.map((node) => node.kill()));
    receiver.server.close();
    await pool.end();
    await database.drop().catch(() => {});
    rmSync(app, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
