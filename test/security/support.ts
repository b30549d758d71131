import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { copyFixtureApp, TEST_SECRET } from '../helpers/node.js';

/**
 * Helpers for the security suites: requests from a chosen client address (Fastify's inject sets the
 * socket's remote address, which is what request.ip reads without trustProxy), sign-up and login.
 */

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
}

export async function send(
  node: QuorumNode,
  options: {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
    url: string;
    body?: unknown;
    from?: string;
    headers?: Record<string, string>;
  },
): Promise<Reply> {
  const res = await node.app.inject({
    method: options.method ?? 'POST',
    url: options.url,
    remoteAddress: options.from ?? '127.0.0.1',
    payload: options.body === undefined ? undefined : JSON.stringify(options.body),
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
  });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) };
}

export function login(
  node: QuorumNode,
  identifier: string,
  password: string,
  from = '127.0.0.1',
): Promise<Reply> {
  return send(node, { url: '/api/auth/local', body: { identifier, password }, from });
}

/** Registers a user (from an address of its own, so sign-ups do not count against the tests' addresses). */
export async function register(node: QuorumNode, username: string, password = 'secret123'): Promise<void> {
  const res = await send(node, {
    url: '/api/auth/local/register',
    body: { username, email: `${username}@example.com`, password },
    from: '192.0.2.250',
  });
  expect(res.status, res.body).toBe(200);
}

/** Asserts the lock-out answer: 429 RateLimitError in Strapi's shape with a Retry-After in seconds. */
export function expectLocked(res: Reply, retryAfter?: number): void {
  expect(res.status, res.body).toBe(429);
  expect(res.json()).toEqual({
    data: null,
    error: {
      status: 429,
      name: 'RateLimitError',
      message: 'Too many failed login attempts, please try again later.',
      details: {},
    },
  });
  const header = Number(res.headers['retry-after']);
  expect(Number.isInteger(header) && header >= 1, `Retry-After ${res.headers['retry-after']}`).toBe(true);
  if (retryAfter !== undefined) expect(header).toBe(retryAfter);
}

export function expectInvalidCredentials(res: Reply): void {
  expect(res.status, res.body).toBe(400);
  expect(res.json().error.message).toBe('Invalid identifier or password');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Several nodes of one cluster: one database, one app directory, one configuration. */
export interface TestCluster {
  readonly nodes: readonly QuorumNode[];
  close(): Promise<void>;
}

export async function startCluster(options: {
  kind: DatabaseKind;
  app: string;
  size: number;
  config: Record<string, unknown>;
}): Promise<TestCluster> {
  const db: TestDatabase = await createTestDatabase(options.kind);
  const appDir = copyFixtureApp(options.app);
  writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(options.config, null, 2));
  const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const nodes: QuorumNode[] = [];
  const close = async () => {
    for (const node of nodes) await node.stop({ drainMs: 0 });
    await db.drop();
    rmSync(appDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < options.size; i++) {
      // Each node loads the configuration itself, as separate processes would.
      nodes.push(await createNode(loadConfig({ appDir, env }), { logger, env }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { nodes, close };
}
