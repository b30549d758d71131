import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';
import { fixtureAppPath, TEST_SECRET, type TestNode } from '../helpers/node.js';
import { assertBuilt, childEnv, REPO_ROOT } from '../helpers/processes.js';
import { startNodeWithPermissions } from '../helpers/users-permissions.js';

/**
 * One-time codes in URLs (issue 16): the email-confirmation link carries its code as `confirmation=`,
 * a reset page gets `code=`; whoever reads the logs or the traces must not be able to use them. The
 * values of such parameters are `[redacted]` in the access log, in any logged `url`, and in the HTTP
 * spans (src/lib/redact-url.ts).
 */

describeEachDatabase('one-time codes in URLs never reach the logs', (kind) => {
  let t: TestNode;
  let logs: CapturedLogs;
  beforeAll(async () => {
    logs = captureLogs('info');
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      logger: logs.logger,
      config: { log: { requests: true } },
    });
  });
  afterAll(() => t?.close());

  it('the access log shows the email links with their codes redacted', async () => {
    const code = randomBytes(32).toString('hex');
    const urls = [
      `/api/auth/email-confirmation?confirmation=${code}`,
      // Other spellings of secret-bearing parameters, next to ordinary ones kept as they are.
      `/api/auth/email-confirmation?lang=en&Confirmation=${code}`,
      `/api/auth/email-confirmation?code=${code}&registrationToken=${code}&page=2`,
    ];
    for (const url of urls) expect((await t.request({ url, auth: 'none' })).status).toBe(400);

    const access = logs
      .lines()
      .filter(
        (line) => line.msg === 'request' && String(line.url).startsWith('/api/auth/email-confirmation'),
      );
    expect(access.map((line) => line.url)).toEqual([
      '/api/auth/email-confirmation?confirmation=[redacted]',
      '/api/auth/email-confirmation?lang=en&Confirmation=[redacted]',
      '/api/auth/email-confirmation?code=[redacted]&registrationToken=[redacted]&page=2',
    ]);
    expect(logs.raw.join('\n')).not.toContain(code);
  });

  it('a url logged anywhere by the node’s logger is redacted too', async () => {
    t.node.core.logger.warn({ url: '/x?token=abcdef123456&ok=1' }, 'something about a request');
    const line = logs.lines().find((l) => l.msg === 'something about a request');
    // A test node's logger is the captured production logger (src/node/logger.ts).
    expect(line?.url).toBe('/x?token=[redacted]&ok=1');
  });
});

describeEachDatabase('one-time codes in URLs never reach the traces', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    assertBuilt();
    db = await createTestDatabase(kind);
  });
  afterAll(() => db?.drop());

  it('the HTTP spans carry the query string with its codes redacted', async () => {
    const SECRET = 'c0ffee'.repeat(8);
    const requests = [
      { path: `/api/auth/email-confirmation?confirmation=${SECRET}` },
      { path: `/api/articles?code=${SECRET}&pagination[page]=1` },
    ];
    // The real tracing setup with spans kept in memory (test/fixtures/tracing/traced-node.mjs).
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          [path.join(REPO_ROOT, 'test', 'fixtures', 'tracing', 'traced-node.mjs')],
          {
            cwd: REPO_ROOT,
            env: childEnv({
              APP_DIR: fixtureAppPath('kitchen'),
              DATABASE_URL: db.url,
              QUORUM_SECRET: TEST_SECRET,
              REQUESTS: JSON.stringify(requests),
            }),
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`timed out\n${stderr}`));
        }, 60_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      },
    );
    expect(output.code, output.stderr).toBe(0);
    const { spans } = JSON.parse(output.stdout.trim().split('\n').at(-1)!) as {
      spans: { scope: string; attributes: Record<string, unknown> }[];
    };
    const http = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-http');
    expect(http.map((s) => s.attributes['url.query']).sort()).toEqual([
      'code=[redacted]&pagination[page]=1',
      'confirmation=[redacted]',
    ]);
    const fastify = spans.filter((s) => s.scope === '@fastify/otel' && s.attributes['url.path']);
    expect(fastify.length).toBeGreaterThan(0);
    for (const span of fastify) expect(String(span.attributes['url.path'])).not.toContain(SECRET);
    // Nothing the node recorded holds the code (the fixture's own client requests are undici spans).
    const served = spans.filter((s) => s.scope !== '@opentelemetry/instrumentation-undici');
    expect(JSON.stringify(served)).not.toContain(SECRET);
  }, 90_000);
});
