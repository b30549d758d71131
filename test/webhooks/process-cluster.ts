import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, copyFixtureApp } from '../helpers/node.js';
import { QuorumProcess } from '../helpers/processes.js';

const ADMIN = { email: 'chaos-admin@example.com', password: 'chaos-pass-123' };

export interface JsonResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  readonly body: any;
}

/**
 * Real `quorum start` processes of the kitchen app on one fresh PostgreSQL database, for the outbox
 * chaos test: admin and content requests to any node, kill -9 and restart, direct SQL.
 */
export class ProcessCluster {
  readonly nodes: QuorumProcess[] = [];
  #pool: pg.Pool | undefined;
  #adminToken: string | undefined;

  private constructor(
    readonly db: TestDatabase,
    readonly appDir: string,
  ) {}

  static async start(count: number, config: Record<string, unknown>): Promise<ProcessCluster> {
    const db = await createTestDatabase('postgres');
    const appDir = copyFixtureApp('kitchen');
    writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(config, null, 2));
    const cluster = new ProcessCluster(db, appDir);
    const env = {
      DATABASE_URL: db.url,
      QUORUM_SECRET: TEST_SECRET,
      QUORUM_ADMIN_EMAIL: ADMIN.email,
      QUORUM_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    };
    try {
      for (let i = 0; i < count; i++)
        cluster.nodes.push(
          new QuorumProcess({ app: appDir, env, name: `node-${String.fromCharCode(97 + i)}` }),
        );
      await Promise.all(cluster.nodes.map((node) => node.startReady(60_000)));
      return cluster;
    } catch (err) {
      await cluster.close();
      throw err;
    }
  }

  async admin(node: QuorumProcess, method: string, pathname: string, body?: unknown): Promise<JsonResponse> {
    if (!this.#adminToken) {
      const login = await request(node, 'POST', '/admin/api/login', {}, ADMIN);
      if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
      this.#adminToken = login.body.data.token as string;
    }
    return request(node, method, pathname, { authorization: `Bearer ${this.#adminToken}` }, body);
  }

  api(
    node: QuorumProcess,
    method: string,
    pathname: string,
    authorization: string,
    body?: unknown,
  ): Promise<JsonResponse> {
    return request(node, method, pathname, { authorization }, body);
  }

  async sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    this.#pool ??= new pg.Pool({ connectionString: this.db.url, max: 2 });
    return (await this.#pool.query<T>(text)).rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.filter((node) => node.running).map((node) => node.kill('SIGKILL')));
    await this.#pool?.end().catch(() => {});
    await this.db.drop().catch(() => {});
    rmSync(this.appDir, { recursive: true, force: true });
  }
}

async function request(
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
    timeoutMs: 15_000,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
