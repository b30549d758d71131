import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { TEST_SECRET, fixtureAppPath } from '../helpers/node.js';
import {
  QUORUM_BIN,
  REPO_ROOT,
  assertBuilt,
  childEnv,
  freePort,
  killAllProcesses,
  waitFor,
} from '../helpers/processes.js';

/**
 * Tracing (README "Tracing"): with the OpenTelemetry SDK on, one request is one connected trace — the
 * HTTP server span continues the caller's traceparent, and the database statements it ran are its
 * descendants; the outbox event of a write carries the request's id and that trace. Runs in child
 * processes: the ESM import hook must be in place before pg and Fastify are imported.
 */

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'tracing');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;

interface SpanInfo {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

const SERVER = 1;

function run(
  command: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { cwd: REPO_ROOT, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out\n${stderr}`));
    }, timeoutMs);
    // 'close' comes after 'exit' and after the output streams ended.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The chain of ancestors of `span` within `spans` (itself first). */
function ancestry(span: SpanInfo, spans: SpanInfo[]): SpanInfo[] {
  const chain = [span];
  for (let parent = spans.find((s) => s.spanId === span.parentSpanId); parent;) {
    chain.push(parent);
    const next = parent.parentSpanId;
    parent = spans.find((s) => s.spanId === next);
  }
  return chain;
}

describe.skipIf(!postgresAvailable())('tracing', { timeout: 90_000 }, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await killAllProcesses();
    await db?.drop();
  });

  it('one request is one connected trace: HTTP server span → database spans', async () => {
    const requests = [
      { path: '/api/articles', headers: { traceparent: TRACEPARENT, 'x-request-id': 'traced-read-1' } },
      {
        method: 'POST',
        path: '/api/articles',
        headers: { traceparent: TRACEPARENT, 'x-request-id': 'traced-write-1' },
        body: { data: { title: 'Traced' } },
      },
    ];
    const result = await run([path.join(FIXTURES, 'traced-node.mjs')], {
      APP_DIR: fixtureAppPath('kitchen'),
      DATABASE_URL: db.url,
      QUORUM_SECRET: TEST_SECRET,
      REQUESTS: JSON.stringify(requests),
    });
    expect(result.code, result.stderr).toBe(0);
    const { spans, responses } = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      spans: SpanInfo[];
      responses: Array<{ status: number }>;
    };
    expect(responses.map((r) => r.status)).toEqual([200, 201]);

    const servers = spans.filter(
      (s) => s.kind === SERVER && s.scope === '@opentelemetry/instrumentation-http',
    );
    expect(servers.map((s) => s.name).sort()).toEqual(['GET /api/:name', 'POST /api/:name']);
    for (const server of servers) {
      // The caller's traceparent is continued, not replaced.
      expect(server.traceId).toBe(TRACE_ID);
      expect(server.parentSpanId).toBe(CALLER_SPAN);
      expect(server.attributes['http.route']).toBe('/api/:name');
    }
    const queries = spans.filter(
      (s) => s.scope === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query'),
    );
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const server of servers) {
      const below = queries.filter((q) => ancestry(q, spans).includes(server));
      expect(below.length, `database spans under ${server.name}`).toBeGreaterThanOrEqual(1);
      for (const q of below) expect(q.traceId).toBe(TRACE_ID);
    }
    expect(
      queries.some((q) =>
        String(q.attributes['db.statement'] ?? q.attributes['db.query.text']).includes('insert'),
      ),
    ).toBe(true);

    // The write's outbox event: the request's id, and a traceparent of a span in this trace.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ request_id: string; traceparent: string }>(
        `select request_id, traceparent from quorum_outbox where request_id = 'traced-write-1'`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(1);
      const [, traceId, spanId] = rows[0].traceparent.split('-');
      expect(traceId).toBe(TRACE_ID);
      expect(spans.find((s) => s.spanId === spanId)?.traceId).toBe(TRACE_ID);
    } finally {
      await client.end();
    }
  });

  it('bin/quorum.js exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const received: Array<{ url?: string; body: string }> = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ url: req.url, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        QUORUM_BIN,
        'start',
        '--app',
        fixtureAppPath('kitchen'),
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
      ],
      {
        cwd: REPO_ROOT,
        env: childEnv({
          DATABASE_URL: db.url,
          QUORUM_SECRET: TEST_SECRET,
          QUORUM_DRAIN_MS: '0',
          LOG_LEVEL: 'warn',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as { port: number }).port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        }),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await waitFor(
        'the node to answer',
        async () => ((await fetch(`http://127.0.0.1:${port}/_health`)).status === 204 ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const res = await fetch(`http://127.0.0.1:${port}/api/articles`, {
        headers: { traceparent: TRACEPARENT },
      });
      expect(res.status).toBe(403); // no credentials: still one traced request
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, stderr).toBe(0);
      const spans = received
        .filter((r) => r.url === '/v1/traces')
        .flatMap((r) => JSON.parse(r.body).resourceSpans)
        .flatMap((rs: { scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }> }) =>
          rs.scopeSpans.flatMap((ss) => ss.spans),
        );
      expect(
        spans.some((s) => s.name === 'GET /api/:name' && s.traceId === TRACE_ID),
        stderr,
      ).toBe(true);
      // Health probes are not traced.
      expect(spans.some((s) => s.name.includes('/_health'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      collector.close();
    }
  });

  it('loads no OpenTelemetry SDK code when tracing is off', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'quorum-modules-'));
    const file = path.join(dir, 'modules.txt');
    try {
      const result = await run(
        [
          '--import',
          path.join(FIXTURES, 'loaded-modules.mjs'),
          QUORUM_BIN,
          'token',
          'create',
          '--type',
          'read-only',
          '--app',
          fixtureAppPath('kitchen'),
        ],
        { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET, LOG_LEVEL: 'warn', LOADED_MODULES_FILE: file },
      );
      expect(result.code, result.stderr).toBe(0);
      const loaded = readFileSync(file, 'utf8').split('\n');
      expect(loaded.some((m) => m.includes(`${path.sep}pg${path.sep}`))).toBe(true); // the check sees modules
      const otel = loaded.filter((m) =>
        /@opentelemetry[\\/](sdk-|instrumentation|exporter)|import-in-the-middle|@fastify[\\/]otel/.test(m),
      );
      expect(otel).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
