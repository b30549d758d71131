import { sql } from 'kysely';
import { expect } from 'vitest';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import type { DatabaseKind } from '../helpers/databases.js';
import { waitFor } from '../helpers/processes.js';

export const WEBHOOK_ADMIN = { email: 'hooks@example.com', password: 'hookspass123' };
export const ALL_ENTRY_EVENTS = [
  'entry.create',
  'entry.update',
  'entry.delete',
  'entry.publish',
  'entry.unpublish',
];

/** Settings that make retries, dead letters and circuits happen within a second or two. */
export const FAST_WEBHOOKS = {
  pollMs: 100,
  maxAgeMs: 60_000,
  backoff: { baseMs: 50, maxMs: 200 },
  timeoutMs: 2_000,
  claimTtlMs: 5_000,
  circuitBreaker: {
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeoutMs: 1_500,
    rollingWindowMs: 5_000,
  },
  stopTimeoutMs: 500,
};

export interface WebhookNode {
  readonly t: TestNode;
  /** `Bearer <admin token>`. */
  readonly admin: string;
  adminRequest(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<TestResponse>;
  createWebhook(body: Record<string, unknown>): Promise<{ id: number; secret: string }>;
  sql<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A kitchen node (started in-process) with a super admin and fast webhook settings (merged with `webhooks`). */
export async function startWebhookNode(
  kind: DatabaseKind,
  webhooks: Record<string, unknown> = {},
): Promise<WebhookNode> {
  const t = await startTestNode({
    kind,
    app: 'kitchen',
    config: {
      rateLimit: { auth: { max: 100000 } },
      bruteForce: { maxFailures: 100000 },
      webhooks: { ...FAST_WEBHOOKS, ...webhooks },
    },
    env: { QUORUM_ADMIN_EMAIL: WEBHOOK_ADMIN.email, QUORUM_ADMIN_PASSWORD: WEBHOOK_ADMIN.password },
  });
  const login = await t.request({
    method: 'POST',
    url: '/admin/api/login',
    body: WEBHOOK_ADMIN,
    auth: 'none',
  });
  expect(login.status, login.body).toBe(200);
  const admin = `Bearer ${login.json().data.token}`;
  const adminRequest: WebhookNode['adminRequest'] = (method, url, body) =>
    t.request({ method, url: `/admin/api${url}`, body, auth: admin });
  return {
    t,
    admin,
    adminRequest,
    async createWebhook(body) {
      const response = await adminRequest('POST', '/webhooks', {
        name: 'hook',
        events: ALL_ENTRY_EVENTS,
        ...body,
      });
      expect(response.status, response.body).toBe(201);
      return { id: response.json().data.id, secret: response.json().data.secret };
    },
    async sql<T>(query: string, ...params: unknown[]) {
      return (await sql.raw<T>(bind(query, params)).execute(t.node.database.db)).rows;
    },
    close: () => t.close(),
  };
}

/** Inlines parameters into test SQL (values are the tests' own numbers and strings). */
function bind(query: string, params: unknown[]): string {
  let i = 0;
  return query.replace(/\?/g, () => {
    const value = params[i++];
    return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}

/** Polls until `check` returns a value (default deadline 15 s). */
export function eventually<T>(
  description: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  return waitFor(description, async () => check(), { timeoutMs, intervalMs: 25 });
}
