// `npm run bench:cluster`: what the coordination layer costs in time, on three real nodes sharing one
// PostgreSQL database. See bench/README.md ("Cluster").
//
//   1. Bus propagation, for the PostgreSQL LISTEN/NOTIFY bus and the Redis pub/sub bus: an API token is
//      revoked through node A's admin API, and nodes B and C are polled with it (every ≈ 2 ms) until they
//      answer 401. Caches and periodic resyncs are set to 10 minutes, so only the bus explains the change.
//      Also the bus's own transit time (publish → handler) as the nodes report it (GET /admin/api/cluster).
//      Then cached reads: nodes B and C answer a list from their response cache (on, with a 10-minute
//      TTL), node A creates a document that belongs in it, and B and C are polled until the list shows
//      it: the staleness of a cached answer on another node (writes are announced at most every 10 ms).
//   2. Failover: kill -9 of the leader, timed until a surviving node reports a new leader with a higher
//      fencing token; the killed node is restarted between rounds.
//
// Environment:
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres   a PostgreSQL server (a database is created
//                                                              and dropped on it; nothing else is touched;
//                                                              QUORUM_BENCH_PG_URL is read too)
//   BENCH_ROUNDS=100         revocations per bus (each observed on two nodes)
//   BENCH_FAILOVERS=5        leader kills
//   BENCH_LEASE_TTL_MS=2000  leader lease TTL for the failover rounds (the default config says 10000)
//   BENCH_REDIS=0            skip the Redis bus (it runs a private redis-server on a free port otherwise)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from './lib/paths.mjs';
import { PG_ADMIN_URL, createDatabase } from './lib/postgres.mjs';
import { freePort } from './lib/processes.mjs';
import { QuorumNode } from './lib/quorum-node.mjs';

const ROUNDS = positive('BENCH_ROUNDS', 100);
const FAILOVERS = positive('BENCH_FAILOVERS', 5);
const LEASE_TTL_MS = positive('BENCH_LEASE_TTL_MS', 2000);
const WITH_REDIS = process.env.BENCH_REDIS !== '0';
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-pass-123' };
const SECRET = randomBytes(32).toString('hex');

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isInteger(value)) throw new Error(`${name} must be a positive integer`);
  return value;
}

const log = (message) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------------
// Processes, cleaned up whatever happens.

const children = new Set();
const cleanups = [];

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

/** A private redis-server on a free loopback port (the machine's shared Redis is never used). */
async function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    ),
  );
  cleanups.push(async () => void child.kill('SIGKILL'));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return `redis://127.0.0.1:${port}`;
    await sleep(50);
  }
  throw new Error('the private redis-server did not start');
}

/** The app: examples/blog's content types and permissions, with the bench's cluster settings. */
function prepareApp(config) {
  const dir = mkdtempSync(path.join(tmpdir(), 'quorum-bench-cluster-'));
  for (const part of ['src', 'config'])
    cpSync(path.join(REPO, 'examples/blog', part), path.join(dir, part), { recursive: true });
  writeFileSync(path.join(dir, 'quorum.config.json'), JSON.stringify(config, null, 2));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function request(node, method, pathname, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await globalThis.fetch(`${node.url}${pathname}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: globalThis.AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function startCluster(label, { redisUrl, leaseTtlMs = 10_000 } = {}) {
  // A fresh database per cluster, dropped at the end.
  const database = await createDatabase('quorum_bench');
  cleanups.push(database.drop);
  const app = prepareApp({
    cluster: { leaseTtlMs, heartbeatMs: 500, nodeTtlMs: 3000, resyncMs: 600_000 },
    auth: { tokenCacheTtlMs: 600_000, permissionCacheTtlMs: 600_000 },
    cache: { responses: { enabled: true, ttlMs: 600_000 } },
    log: { requests: false },
    server: { drainMs: 0 },
  });
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'HOST', 'QUORUM_SECRET']) delete env[key];
  Object.assign(env, {
    DATABASE_URL: database.url,
    QUORUM_SECRET: SECRET,
    QUORUM_ADMIN_EMAIL: ADMIN.email,
    QUORUM_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    QUORUM_DRAIN_MS: '0',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const nodes = ['a', 'b', 'c'].map((n) => new QuorumNode(`${label}-${n}`, app, env, { onSpawn: track }));
  await Promise.all(nodes.map((node) => node.start()));
  const login = await request(nodes[0], 'POST', '/admin/api/login', { body: ADMIN });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.json)}`);
  return { nodes, admin: login.json.data.token };
}

async function stopCluster(cluster) {
  await Promise.all(cluster.nodes.map((node) => node.kill()));
}

// ---------------------------------------------------------------------------------------------------
// Measurements.

function percentile(sorted, q) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function summary(samples) {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

/** Polls `node` with `token` until it answers 401; the time since `t0`. */
async function until401(node, token, t0) {
  const deadline = t0 + 30_000;
  while (performance.now() < deadline) {
    const { status } = await request(node, 'GET', '/api/articles?pagination[pageSize]=1', { token });
    if (status === 401) return performance.now() - t0;
    if (status !== 200) throw new Error(`${node.name}: unexpected ${status}`);
    // A short pause: back-to-back polls of two nodes would take the cores node A needs (resolution ≈ 2 ms).
    await sleep(1);
  }
  throw new Error(`${node.name} still accepted a revoked token after 30 s`);
}

async function propagation(cluster, rounds) {
  const [a, ...others] = cluster.nodes;
  const effect = [];
  const adminAnswer = [];
  for (let round = -5; round < rounds; round++) {
    const created = await request(a, 'POST', '/admin/api/api-tokens', {
      token: cluster.admin,
      body: { name: `bench-${round + 5}`, type: 'read-only' },
    });
    if (created.status !== 201) throw new Error(`token creation: ${JSON.stringify(created.json)}`);
    const { id, accessKey } = created.json.data;
    for (const node of others) {
      const primed = await request(node, 'GET', '/api/articles?pagination[pageSize]=1', { token: accessKey });
      if (primed.status !== 200) throw new Error(`${node.name}: a fresh token answered ${primed.status}`);
    }
    const t0 = performance.now();
    const revoke = request(a, 'DELETE', `/admin/api/api-tokens/${id}`, { token: cluster.admin }).then((r) => {
      if (r.status !== 200) throw new Error(`revocation: ${JSON.stringify(r.json)}`);
      return performance.now() - t0;
    });
    const seen = await Promise.all(others.map((node) => until401(node, accessKey, t0)));
    const answered = await revoke;
    if (round < 0) continue; // warm-up
    effect.push(...seen);
    adminAnswer.push(answered);
  }
  const transit = [];
  for (const node of others) {
    const { json } = await request(node, 'GET', '/admin/api/cluster', { token: cluster.admin });
    transit.push({ node: node.name, kind: json.data.bus.kind, ...json.data.bus.latencyMs });
  }
  return { effect: summary(effect), adminAnswer: summary(adminAnswer), transit };
}

async function clusterStatus(cluster, node) {
  const { status, json } = await request(node, 'GET', '/admin/api/cluster', { token: cluster.admin });
  if (status !== 200) throw new Error(`${node.name}: GET /admin/api/cluster → ${status}`);
  return json.data;
}

async function failover(cluster, rounds, ttlMs) {
  const times = [];
  const leaseLeft = [];
  for (let round = 0; round < rounds; round++) {
    const status = await clusterStatus(cluster, cluster.nodes[0]);
    if (!status.leader) {
      await sleep(200);
      round--;
      continue;
    }
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(status.leader.nodeId)?.[1]);
    const leader = cluster.nodes.find((node) => node.pid === pid);
    if (!leader) throw new Error(`leader ${status.leader.nodeId} is none of the bench's nodes`);
    const survivors = cluster.nodes.filter((node) => node !== leader);
    // Kill at a random point of the renewal cycle, as a crash would.
    await sleep(Math.random() * (ttlMs / 3));
    const t0 = performance.now();
    const killedAt = Date.now();
    await leader.kill();
    let elapsed;
    while (elapsed === undefined) {
      const seen = await clusterStatus(cluster, survivors[round % 2]).catch(() => undefined);
      if (seen?.leader && seen.leader.fencingToken > status.leader.fencingToken)
        elapsed = performance.now() - t0;
      else await sleep(10);
      if (performance.now() - t0 > 60_000) throw new Error('no new leader within 60 s');
    }
    times.push(elapsed);
    // How long the dead leader's lease still had to run when it died (what the takeover had to wait for).
    leaseLeft.push(Math.max(0, Date.parse(status.leader.expiresAt) - killedAt));
    log(`  failover ${round + 1}/${rounds}: ${elapsed.toFixed(0)} ms`);
    await leader.start();
    await sleep(ttlMs / 2);
  }
  return { times: summary(times), leaseLeft: summary(leaseLeft), all: times };
}

// ---------------------------------------------------------------------------------------------------

/** Share of the CPU busy over `durationMs` (from /proc/stat): other work on the machine skews the figures. */
async function cpuBusy(durationMs = 1000) {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return { idle, total: fields.reduce((sum, v) => sum + v, 0) };
  };
  try {
    const before = read();
    await sleep(durationMs);
    const after = read();
    return 1 - (after.idle - before.idle) / (after.total - before.total);
  } catch {
    return NaN;
  }
}

const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–');

/** Polls `node` until `pathname` lists one document; the time since `t0`. */
async function untilListed(node, pathname, token, t0) {
  const deadline = t0 + 30_000;
  while (performance.now() < deadline) {
    const { status, json } = await request(node, 'GET', pathname, { token });
    if (status !== 200) throw new Error(`${node.name}: unexpected ${status}`);
    if (json.data.length === 1) return performance.now() - t0;
    await sleep(1);
  }
  throw new Error(`${node.name} still answered a stale list after 30 s`);
}

/** A write through node A, until the answers B and C had cached show it. */
async function cachedStaleness(cluster, rounds) {
  const [a, ...others] = cluster.nodes;
  const created = await request(a, 'POST', '/admin/api/api-tokens', {
    token: cluster.admin,
    body: { name: 'bench-writer', type: 'full-access' },
  });
  if (created.status !== 201) throw new Error(`token creation: ${JSON.stringify(created.json)}`);
  const token = created.json.data.accessKey;
  const effect = [];
  const writeAnswer = [];
  for (let round = -5; round < rounds; round++) {
    const name = `bench-cache-${round + 5}`;
    const pathname = `/api/categories?filters[name][$eq]=${name}`;
    for (const node of others) {
      // Read twice: the second answer comes from the cache.
      for (let i = 0; i < 2; i++) await request(node, 'GET', pathname, { token });
    }
    const t0 = performance.now();
    const write = request(a, 'POST', '/api/categories', { token, body: { data: { name } } }).then((r) => {
      if (r.status !== 201) throw new Error(`create: ${JSON.stringify(r.json)}`);
      return performance.now() - t0;
    });
    const seen = await Promise.all(others.map((node) => untilListed(node, pathname, token, t0)));
    const answered = await write;
    if (round < 0) continue; // warm-up
    effect.push(...seen);
    writeAnswer.push(answered);
  }
  return { effect: summary(effect), writeAnswer: summary(writeAnswer) };
}

async function main() {
  log(
    `bench:cluster — 3 nodes on PostgreSQL (${new URL(PG_ADMIN_URL).host}); ${ROUNDS} revocations per bus, ${FAILOVERS} failovers`,
  );
  const busy = await cpuBusy();
  if (busy > 0.1)
    log(
      `warning: the CPU is ${(busy * 100).toFixed(0)}% busy before the bench starts (other work): figures will be inflated`,
    );
  const results = [];
  const buses = [['postgres', undefined]];
  if (WITH_REDIS) {
    const redisUrl = await startRedis();
    if (redisUrl) buses.push(['redis', redisUrl]);
    else log('redis-server not found: the Redis bus is skipped');
  }
  for (const [kind, redisUrl] of buses) {
    log(`${kind} bus: starting three nodes…`);
    const cluster = await startCluster(kind, { redisUrl });
    log(`${kind} bus: ${ROUNDS} revocations…`);
    results.push({ kind, ...(await propagation(cluster, ROUNDS)) });
    log(`${kind} bus: ${ROUNDS} writes seen through other nodes' response caches…`);
    results[results.length - 1].cached = await cachedStaleness(cluster, ROUNDS);
    await stopCluster(cluster);
  }
  log(`failover: starting three nodes (lease TTL ${LEASE_TTL_MS} ms)…`);
  const cluster = await startCluster('failover', { leaseTtlMs: LEASE_TTL_MS });
  const fail = await failover(cluster, FAILOVERS, LEASE_TTL_MS);
  await stopCluster(cluster);

  const lines = [`CPU busy before the run: ${(busy * 100).toFixed(0)}% (other work on the machine)`, ''];
  lines.push(
    'Bus propagation: token revoked through node A → B and C answer 401 (time from the DELETE request)',
  );
  lines.push(
    '  bus       samples   p50        p99        max        | A answers the DELETE (p50)  | transit on B, C (p50 / p99, as the nodes report it)',
  );
  for (const r of results) {
    const transit = r.transit.map((t) => `${ms(t.p50)} / ${ms(t.p99)}`).join(', ');
    lines.push(
      `  ${r.kind.padEnd(9)} ${String(r.effect.n).padEnd(9)} ${ms(r.effect.p50).padEnd(10)} ${ms(r.effect.p99).padEnd(10)} ${ms(r.effect.max).padEnd(10)} | ${ms(r.adminAnswer.p50).padEnd(27)} | ${transit}`,
    );
  }
  lines.push('');
  lines.push(
    'Cached reads: a document created through node A → the list B and C had cached shows it (time from the POST)',
  );
  lines.push('  bus       samples   p50        p99        max        | A answers the POST (p50)');
  for (const r of results) {
    lines.push(
      `  ${r.kind.padEnd(9)} ${String(r.cached.effect.n).padEnd(9)} ${ms(r.cached.effect.p50).padEnd(10)} ${ms(r.cached.effect.p99).padEnd(10)} ${ms(r.cached.effect.max).padEnd(10)} | ${ms(r.cached.writeAnswer.p50)}`,
    );
  }
  lines.push('');
  lines.push(
    `Failover after kill -9 of the leader (lease TTL ${LEASE_TTL_MS} ms, renewed every ${Math.floor(LEASE_TTL_MS / 3)} ms)`,
  );
  lines.push(
    `  rounds ${fail.times.n}: p50 ${ms(fail.times.p50)}, max ${ms(fail.times.max)} ` +
      `(each: ${fail.all.map((t) => t.toFixed(0)).join(', ')} ms); lease left at the kill p50 ${ms(fail.leaseLeft.p50)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  await cleanup();
}
