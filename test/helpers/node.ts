import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef';
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'apps');

/** Copies a fixture app directory to a temp dir, so a test may change its files. */
export function copyFixtureApp(name: string): string {
  return copyAppDir(path.join(FIXTURES, name));
}

/** Copies any app directory (e.g. one of examples/) to a temp dir. */
export function copyAppDir(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `quorum-app-${path.basename(source)}-`));
  cpSync(source, dir, { recursive: true });
  return dir;
}

export function fixtureAppPath(name: string): string {
  return path.join(FIXTURES, name);
}

export interface TestNode {
  readonly node: QuorumNode;
  readonly db: TestDatabase;
  readonly appDir: string;
  /** Authorization header values for a full-access and a read-only token. */
  readonly fullAccess: string;
  readonly readOnly: string;
  request(options: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  url: string;
  body?: unknown;
  /** Raw payload (bypasses JSON encoding). */
  payload?: string | Buffer;
  headers?: Record<string, string>;
  /** Which credentials to send: default full-access. */
  auth?: 'full' | 'read' | 'none' | string;
}

export interface TestResponse {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field in tests
}

/**
 * Starts a node (without listening) on a fresh database for one test file; requests go through
 * Fastify's inject (real routing, parsing and serialization, no socket).
 */
export async function startTestNode(options: {
  kind: DatabaseKind;
  app: string;
  /** Copy the fixture first (needed when the test edits schema files). */
  copy?: boolean;
  env?: Record<string, string>;
  /** Written as the copy's quorum.config.json (implies `copy`). */
  config?: Record<string, unknown>;
  /** The node's logger (default: pino at TEST_LOG_LEVEL, silent). */
  logger?: Logger;
}): Promise<TestNode> {
  const db = await createTestDatabase(options.kind);
  const copy = options.copy === true || options.config !== undefined;
  const appDir = copy ? copyFixtureApp(options.app) : fixtureAppPath(options.app);
  if (options.config !== undefined) {
    writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(options.config, null, 2));
  }
  const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET, ...options.env };
  const config = loadConfig({ appDir, env });
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const node = await createNode(config, { logger, env });
  const full = await node.tokens.create({ name: 'test-full', type: 'full-access' });
  const read = await node.tokens.create({ name: 'test-read', type: 'read-only' });
  const fullAccess = `Bearer ${full.token}`;
  const readOnly = `Bearer ${read.token}`;

  return {
    node,
    db,
    appDir,
    fullAccess,
    readOnly,
    async request({ method = 'GET', url, body, payload, headers = {}, auth = 'full' }) {
      const authorization =
        auth === 'full' ? fullAccess : auth === 'read' ? readOnly : auth === 'none' ? undefined : auth;
      const response = await node.app.inject({
        method,
        url,
        payload: payload ?? (body === undefined ? undefined : JSON.stringify(body)),
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(authorization ? { authorization } : {}),
          ...headers,
        },
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        json: () => JSON.parse(response.body),
      };
    },
    async close() {
      await node.stop({ drainMs: 0 });
      await db.drop();
      if (copy) rmSync(appDir, { recursive: true, force: true });
    },
  };
}
