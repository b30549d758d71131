import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { TEST_SECRET, copyAppDir, copyFixtureApp } from './node.js';
import { QuorumProcess, REPO_ROOT, sleep, waitFor, type Env } from './processes.js';

/**
 * A cluster of real Quorum node processes (`dist/`, started through `bin/quorum.js`) on one fresh
 * PostgreSQL database, optionally with Redis for the bus. Small lease, heartbeat, resync and poll
 * settings are written into a copy of a fixture app so failures and takeovers happen within seconds;
 * the first admin comes from QUORUM_ADMIN_EMAIL / QUORUM_ADMIN_PASSWORD. A test can kill -9, pause
 * (SIGSTOP), resume and restart any node, ask any node who leads, and query the database directly.
 *
 * Tests wait for what must happen with generous deadlines (`eventually`) and never assert speed.
 * Always `await cluster.close()` (and `killAllProcesses()`) in an afterAll.
 */

export const CLUSTER_ADMIN = { email: 'cluster-admin@example.com', password: 'cluster-pass-123' } as const;

/** Settings that make a cluster react within seconds (lease 1.5 s, heartbeat 0.3 s, resync 1 s). */
export const FAST_CLUSTER_CONFIG: ConfigObject = {
  cluster: { leaseTtlMs: 1500, heartbeatMs: 300, nodeTtlMs: 1500, resyncMs: 1000 },
  scheduler: { pollMs: 200 },
  // One line per request would bury the coordination messages the tests read.
  log: { requests: false },
};

/**
 * Caches and periodic resyncs that never expire during a test: whatever a node learns within the
 * test's deadlines, it learned from the bus (or from a reconnect resync).
 */
export const NO_FALLBACK_CONFIG: ConfigObject = {
  cluster: { resyncMs: 600_000 },
  auth: { tokenCacheTtlMs: 600_000, permissionCacheTtlMs: 600_000 },
};

/** A generous deadline for things that must happen (never an assertion of speed). */
export const DEADLINE_MS = 15_000;

export type ConfigObject = { [key: string]: unknown };

export interface ClusterOptions {
  /** How many nodes to start (default 3). */
  readonly nodes?: number;
  /** Fixture app copied for this cluster (default `kitchen`). */
  readonly app?: string;
  /** An app directory copied instead of a fixture app (e.g. `examples/blog`, relative to the repository). */
  readonly appSource?: string;
  /** Merged (deeply) over FAST_CLUSTER_CONFIG and written as the copy's quorum.config.json. */
  readonly config?: ConfigObject;
  /** Extra files written into the copied app, by relative path (e.g. `config/cron-tasks.js`). */
  readonly files?: Readonly<Record<string, string>>;
  /** REDIS_URL for every node: the bus is then Redis pub/sub (PostgreSQL LISTEN/NOTIFY otherwise). */
  readonly redisUrl?: string;
  /** More environment for every node. */
  readonly env?: Env;
  /** Wait until this many nodes are ready (default: all of them). */
  readonly waitReady?: boolean;
}

/** What GET /admin/api/cluster answers (see src/cluster/status.ts). */
export interface ClusterStatusBody {
  nodeId: string;
  bus: { kind: string; latencyMs: { p50: number | null; p99: number | null; samples: number } };
  leader: { nodeId: string; fencingToken: number; expiresAt: string; self: boolean } | null;
  nodes: Array<{
    id: string;
    host: string;
    port: number;
    pid: number;
    alive: boolean;
    heartbeatAt: string;
    keyFingerprint: string | null;
  }>;
  keys: {
    fingerprint: string;
    clusterFingerprint: string;
    selfDiffers: boolean;
    differingNodes: string[];
  } | null;
}

export interface LeaderInfo {
  /** The process that holds the lease (undefined if it is not one of ours, e.g. an old incarnation). */
  readonly node: QuorumProcess | undefined;
  readonly nodeId: string;
  readonly token: number;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  readonly body: any;
}

export class TestCluster {
  readonly nodes: QuorumProcess[] = [];
  readonly #paused = new Set<QuorumProcess>();
  #pool: pg.Pool | undefined;
  #adminToken: string | undefined;
  #closed = false;

  private constructor(
    readonly db: TestDatabase,
    readonly appDir: string,
    readonly env: Env,
  ) {}

  /** Creates a fresh database and app copy, starts the nodes in parallel and waits until they are ready. */
  static async start(options: ClusterOptions = {}): Promise<TestCluster> {
    const db = await createTestDatabase('postgres');
    const appDir = options.appSource
      ? copyAppDir(path.resolve(REPO_ROOT, options.appSource))
      : copyFixtureApp(options.app ?? 'kitchen');
    const config = deepMerge(FAST_CLUSTER_CONFIG, options.config ?? {});
    writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(config, null, 2));
    for (const [relative, text] of Object.entries(options.files ?? {})) {
      const file = path.join(appDir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const env: Env = {
      DATABASE_URL: db.url,
      QUORUM_SECRET: TEST_SECRET,
      QUORUM_ADMIN_EMAIL: CLUSTER_ADMIN.email,
      QUORUM_ADMIN_PASSWORD: CLUSTER_ADMIN.password,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    };
    const cluster = new TestCluster(db, appDir, env);
    try {
      const count = options.nodes ?? 3;
      for (let i = 0; i < count; i++) cluster.#add();
      await Promise.all(cluster.nodes.map((node) => node.start()));
      if (options.waitReady !== false) await Promise.all(cluster.nodes.map((node) => node.waitReady(60_000)));
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  #add(): QuorumProcess {
    const name = `node-${String.fromCharCode(97 + this.nodes.length)}`;
    const node = new QuorumProcess({ app: this.appDir, env: this.env, name });
    this.nodes.push(node);
    return node;
  }

  /** Starts one more node (same app, database and environment) and waits until it is ready. */
  async addNode(): Promise<QuorumProcess> {
    const node = this.#add();
    await node.startReady(60_000);
    return node;
  }

  /** Nodes that are running and not paused (the ones that can answer). */
  get responsive(): QuorumProcess[] {
    return this.nodes.filter((node) => node.running && !this.#paused.has(node));
  }

  isPaused(node: QuorumProcess): boolean {
    return this.#paused.has(node);
  }

  // -------------------------------------------------------------------------------------------------
  // Faults.

  /** kill -9, and wait until the process is gone. */
  async kill(node: QuorumProcess): Promise<void> {
    this.#paused.delete(node);
    await node.kill('SIGKILL');
  }

  /** SIGSTOP: the process freezes, its connections stay open, its lease runs out. */
  pause(node: QuorumProcess): void {
    node.pause();
    this.#paused.add(node);
  }

  /** SIGCONT after pause(). */
  resume(node: QuorumProcess): void {
    node.resume();
    this.#paused.delete(node);
  }

  /** Starts a stopped or killed node again (same port) and waits until it is ready; kills it first if running. */
  async restart(node: QuorumProcess, options: { signal?: NodeJS.Signals } = {}): Promise<void> {
    if (this.#paused.has(node)) this.resume(node);
    await node.restart({ signal: options.signal ?? 'SIGKILL', timeoutMs: 60_000 });
  }

  // -------------------------------------------------------------------------------------------------
  // The database.

  /** A query on the cluster's database, through the test's own small pool. */
  async sql<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    if (!this.#pool) {
      this.#pool = new pg.Pool({ connectionString: this.db.url, max: 3 });
      // pool.end() resolves before its idle connections have closed, so dropping the database right
      // after can terminate one (57P01); an idle client's error is re-emitted by the pool, and with no
      // listener it would be an uncaught exception in the test run.
      this.#pool.on('error', () => {});
    }
    return (await this.#pool.query<T>(text, params)).rows;
  }

  /** The database's clock (what leases and due times are measured against). */
  async dbNow(): Promise<Date> {
    const [row] = await this.sql<{ now: Date }>('select clock_timestamp() as now');
    return new Date(row.now);
  }

  // -------------------------------------------------------------------------------------------------
  // HTTP.

  /** Logs in as the first admin (once; the access token is valid on every node) and returns the token. */
  async adminToken(): Promise<string> {
    if (this.#adminToken) return this.#adminToken;
    const response = await this.#anyNode((node) =>
      node.fetch('/admin/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(CLUSTER_ADMIN),
      }),
    );
    const body = (await response.json()) as { data?: { token?: string } };
    if (response.status !== 200 || !body.data?.token)
      throw new Error(`admin login failed: ${response.status} ${JSON.stringify(body)}`);
    this.#adminToken = body.data.token;
    return this.#adminToken;
  }

  /** An admin API request to `node` as the first admin; the body is parsed as JSON when there is one. */
  async admin(node: QuorumProcess, method: string, pathname: string, body?: unknown): Promise<JsonResponse> {
    const token = await this.adminToken();
    return requestJson(node, method, pathname, { authorization: `Bearer ${token}` }, body);
  }

  /** A content API request to `node`, with `authorization` (e.g. `Bearer <token>`) or none. */
  api(
    node: QuorumProcess,
    method: string,
    pathname: string,
    authorization?: string,
    body?: unknown,
  ): Promise<JsonResponse> {
    return requestJson(node, method, pathname, authorization ? { authorization } : {}, body);
  }

  /** Creates an API token through `node`'s admin API: its id, and the `Bearer …` header value. */
  async createApiToken(
    node: QuorumProcess,
    type: 'full-access' | 'read-only' = 'full-access',
    name = `t-${Math.random().toString(36).slice(2, 10)}`,
  ): Promise<{ id: number; name: string; authorization: string }> {
    const response = await this.admin(node, 'POST', '/admin/api/api-tokens', { name, type });
    if (response.status !== 201)
      throw new Error(`token creation failed: ${response.status} ${JSON.stringify(response.body)}`);
    return { id: response.body.data.id, name, authorization: `Bearer ${response.body.data.accessKey}` };
  }

  /** GET /admin/api/cluster on `node`. */
  async status(node: QuorumProcess): Promise<ClusterStatusBody> {
    const response = await this.admin(node, 'GET', '/admin/api/cluster');
    if (response.status !== 200) throw new Error(`${node.name}: GET /admin/api/cluster → ${response.status}`);
    return response.body.data as ClusterStatusBody;
  }

  /** The process a node id belongs to (node ids carry the pid: `<host>-<pid>-<random>`). */
  processOf(nodeId: string): QuorumProcess | undefined {
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(nodeId)?.[1]);
    return this.nodes.find((node) => node.running && node.pid === pid);
  }

  /** This node's id in the cluster (it changes at every restart). */
  nodeIdOf(node: QuorumProcess): Promise<string> {
    return this.status(node).then((status) => status.nodeId);
  }

  /**
   * Waits until a responsive node reports a leader that satisfies `accept` (default: any), and returns it.
   * Asks the nodes in turn, so a dead or paused one does not stall the question.
   */
  async leader(
    accept: (leader: LeaderInfo) => boolean = () => true,
    options: { timeoutMs?: number; description?: string } = {},
  ): Promise<LeaderInfo> {
    return eventually(
      options.description ?? 'a leader',
      async () => {
        for (const node of this.responsive) {
          const status = await this.status(node).catch(() => undefined);
          if (!status?.leader) continue;
          const info: LeaderInfo = {
            node: this.processOf(status.leader.nodeId),
            nodeId: status.leader.nodeId,
            token: status.leader.fencingToken,
          };
          return accept(info) ? info : undefined;
        }
        return undefined;
      },
      { timeoutMs: options.timeoutMs },
    );
  }

  /** Log entries of `node` whose `msg` is `message` (all runs of the process, oldest first). */
  logEntries(node: QuorumProcess, message: string): Array<Record<string, unknown>> {
    return node.logs().filter((entry) => entry.msg === message);
  }

  async #anyNode(request: (node: QuorumProcess) => Promise<Response>): Promise<Response> {
    let last: unknown;
    for (const node of this.responsive) {
      try {
        return await request(node);
      } catch (err) {
        last = err;
      }
    }
    throw new Error(`no node answered (${String(last)})`);
  }

  // -------------------------------------------------------------------------------------------------

  /** Kills every node (paused ones included), drops the database and removes the app copy. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.nodes.filter((node) => node.running).map((node) => node.kill('SIGKILL')));
    await this.#pool?.end().catch(() => {});
    await this.db.drop().catch(() => {});
    rmSync(this.appDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns something other than undefined (generous default deadline). */
export function eventually<T>(
  description: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  return waitFor(description, check, {
    timeoutMs: options.timeoutMs ?? DEADLINE_MS,
    intervalMs: options.intervalMs ?? 100,
  });
}

/** Waits until every check in `checks` has passed at least once (each polled until it does). */
export async function eventuallyAll(
  description: string,
  checks: Array<() => Promise<boolean>>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  await Promise.all(
    checks.map((check, i) =>
      eventually(`${description} [${i}]`, async () => ((await check()) ? true : undefined), options),
    ),
  );
}

async function requestJson(
  node: QuorumProcess,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<JsonResponse> {
  const response = await node.fetch(pathname, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // Generous: a loaded 2-core machine running three nodes can be slow, and slow is not failed.
    timeoutMs: 15_000,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` merged into `base`, objects recursively (arrays and values replace). */
export function deepMerge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const result: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    result[key] = isObject(value) && isObject(result[key]) ? deepMerge(result[key], value) : value;
  }
  return result;
}

export { sleep };

/**
 * The cron task of the leader tests (test/fixtures/cluster/cron-tasks.js): `tick` every second, each
 * run recorded in quorum_task_runs with the node and the fencing token it ran under. Install it with
 * `TestCluster.start({ files: { 'config/cron-tasks.js': CRON_TASKS } })`.
 */
export const CRON_TASKS = readFileSync(new URL('../fixtures/cluster/cron-tasks.js', import.meta.url), 'utf8');

export interface TaskRun {
  due_at: Date;
  token: string;
  node: string;
  started_at: Date;
  status: string;
}

/** The recorded runs of the `tick` task, by due time. */
export function tickRuns(cluster: TestCluster): Promise<TaskRun[]> {
  return cluster.sql<TaskRun>(
    `select due_at, token, node, started_at, status from quorum_task_runs where task = 'tick' order by due_at`,
  );
}
