import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ERROR_CODES, type ErrorCode } from '../../src/core/error-codes.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET, fixtureAppPath, startTestNode, type TestNode } from '../helpers/node.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { upload, uploadsFolder } from '../media/helpers.js';
import { send } from '../security/support.js';

/**
 * Every error answer names its registered code in the X-Quorum-Error-Code header (issue 17,
 * docs/errors.md), and its body stays Strapi's `{ data: null, error: { status, name, message,
 * details } }` with nothing added: the registered name and status are the body's.
 */

const HEADER = 'x-quorum-error-code';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

function expectCode(res: Answer, code: ErrorCode, status?: number): void {
  const spec = ERROR_CODES[code];
  expect(res.headers[HEADER], res.body).toBe(code);
  expect(res.status, res.body).toBe(status ?? spec.status);
  const body = JSON.parse(res.body);
  expect(Object.keys(body)).toEqual(['data', 'error']);
  expect(Object.keys(body.error).sort()).toEqual(
    code === 'QUORUM_INTERNAL_ERROR'
      ? ['message', 'name', 'status']
      : ['details', 'message', 'name', 'status'],
  );
  expect(body.error).toMatchObject({ status: res.status, name: spec.name });
}

describeEachDatabase('error codes over HTTP', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'kitchen',
      config: {
        rateLimit: { auth: { max: 2, windowMs: 60_000 } },
        bruteForce: { maxFailures: 1 },
      },
      env: { QUORUM_METRICS_TOKEN: 'metrics-secret' },
    });
  });
  afterAll(() => t?.close());

  it('query parameters: invalid key, wrong form, over a cost limit, bad pagination', async () => {
    expectCode(await t.request({ url: '/api/articles?filters[nope][$eq]=1' }), 'QUORUM_INVALID_KEY');
    expectCode(await t.request({ url: '/api/articles?sort=title:sideways' }), 'QUORUM_INVALID_QUERY');
    expectCode(await t.request({ url: '/api/articles?filters=abc' }), 'QUORUM_INVALID_QUERY');
    const sort = Array.from({ length: 21 }, () => 'title');
    expectCode(
      await t.request({ url: `/api/articles?${qs.stringify({ sort })}` }),
      'QUORUM_QUERY_TOO_COSTLY',
    );
    // Page 0 reads page 1, as in Strapi 5.54 (issue 18); mixing page and offset keys is the PaginationError.
    expectCode(
      await t.request({ url: '/api/articles?pagination[page]=1&pagination[start]=0' }),
      'QUORUM_INVALID_PAGINATION',
    );
    expectCode(await t.request({ url: '/api/articles?pagination[page]=abc' }), 'QUORUM_INVALID_QUERY');
  });

  it('bodies: not JSON, no data, invalid attributes, a unique value taken, an unreadable type', async () => {
    const post = (payload: string, type = 'application/json') =>
      t.request({ method: 'POST', url: '/api/articles', payload, headers: { 'content-type': type } });
    expectCode(await post('{"data":'), 'QUORUM_INVALID_JSON');
    expectCode(await post('{"nothing":1}'), 'QUORUM_MISSING_DATA');
    expectCode(await post('{"data":{"views":-1}}'), 'QUORUM_INVALID_FIELDS');
    expectCode(await post('hello', 'text/plain'), 'QUORUM_UNSUPPORTED_MEDIA_TYPE');
    expect((await post('{"data":{"title":"One","slug":"same"}}')).status).toBe(201);
    expectCode(await post('{"data":{"title":"Two","slug":"same"}}'), 'QUORUM_NOT_UNIQUE');
    const nested = `{"data":${'['.repeat(200)}${']'.repeat(200)}}`;
    expectCode(await post(nested), 'QUORUM_JSON_TOO_DEEP');
    expectCode(
      await post(JSON.stringify({ data: { body: 'x'.repeat(2 * 1024 * 1024) } })),
      'QUORUM_PAYLOAD_TOO_LARGE',
    );
  });

  it('credentials and rights', async () => {
    expectCode(await t.request({ url: '/api/articles', auth: 'Bearer nope' }), 'QUORUM_UNAUTHORIZED');
    const write = {
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'x' } },
      auth: 'read',
    } as const;
    expectCode(await t.request(write), 'QUORUM_FORBIDDEN');
    const metrics = await t.request({ url: '/metrics', auth: 'none' });
    expectCode(metrics, 'QUORUM_UNAUTHORIZED');
    // Thrown to the error handler now: the route's own headers are still sent.
    expect(metrics.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(metrics.headers['cache-control']).toBe('no-store');
  });

  it('logins: wrong credentials, then locked; any auth route past its rate limit', async () => {
    const login = {
      url: '/api/auth/local',
      body: { identifier: 'nobody', password: 'wrong' },
      from: '198.51.100.7',
    };
    expectCode(await send(t.node, login), 'QUORUM_INVALID_CREDENTIALS');
    expectCode(await send(t.node, login), 'QUORUM_LOGIN_LOCKED');
    const forgot = {
      url: '/api/auth/forgot-password',
      body: { email: 'a@example.com' },
      from: '198.51.100.8',
    };
    for (let i = 0; i < 2; i++) expect((await send(t.node, forgot)).status).toBeLessThan(429);
    const limited = await send(t.node, forgot);
    expectCode(limited, 'QUORUM_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('HTTP itself: no route, no document, method, malformed URL, the framework’s own 4xx', async () => {
    expectCode(await t.request({ url: '/nowhere' }), 'QUORUM_ROUTE_NOT_FOUND');
    expectCode(await t.request({ url: '/api/articles/no-such-document' }), 'QUORUM_NOT_FOUND');
    expectCode(await t.request({ method: 'DELETE', url: '/api/articles' }), 'QUORUM_METHOD_NOT_ALLOWED');
    const trace = await t.node.app.inject({ method: 'TRACE', url: '/api/articles' });
    expectCode(
      { status: trace.statusCode, headers: trace.headers, body: trace.body },
      'QUORUM_METHOD_NOT_ALLOWED',
    );
    expectCode(await t.request({ url: '/api/articles/%zz' }), 'QUORUM_MALFORMED_URL');
    // A path parameter past maxParamLength: Fastify's router answers 414.
    expectCode(await t.request({ url: `/api/articles/${'x'.repeat(600)}` }), 'QUORUM_BAD_REQUEST', 414);
    // A body stream that fails halfway (the client went away): Fastify's 400, once a class per request.
    let sent = false;
    const payload = new Readable({
      read() {
        if (sent) return;
        sent = true;
        this.push('{"data":');
        setTimeout(() => this.destroy(new Error('client went away')), 5);
      },
    });
    const broken = await t.node.app.inject({
      method: 'POST',
      url: '/api/articles',
      payload,
      headers: { 'content-type': 'application/json', authorization: t.fullAccess },
    });
    expectCode(
      { status: broken.statusCode, headers: broken.headers, body: broken.body },
      'QUORUM_BAD_REQUEST',
      400,
    );
  });

  it('a statement the database fails for no reason of the client’s is a 500 without details', async () => {
    // Last in this file: the node has lost a table.
    await sql`drop table tags`.execute(t.node.database.db);
    expectCode(await t.request({ url: '/api/tags' }), 'QUORUM_INTERNAL_ERROR');
  });
});

describe('error codes on a bare socket', () => {
  let t: TestNode;
  let port: number;
  beforeAll(async () => {
    t = await startTestNode({
      kind: 'sqlite',
      app: 'kitchen',
      config: { server: { host: '127.0.0.1', port: 0 } },
    });
    port = Number(new URL(await t.node.listen()).port);
  });
  afterAll(() => t?.close());

  const exchange = (request: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
      socket.on('connect', () => socket.write(request));
    });

  it('requests Node’s parser refuses, and CONNECT, name their codes', async () => {
    const malformed = await exchange('GET /api/articles HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /);
    expect(malformed).toMatch(/\r\nx-quorum-error-code: QUORUM_MALFORMED_REQUEST\r\n/i);
    const connectMethod = await exchange('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(connectMethod).toMatch(/^HTTP\/1\.1 405 /);
    expect(connectMethod).toMatch(/\r\nx-quorum-error-code: QUORUM_METHOD_NOT_ALLOWED\r\n/i);
    // The body is still exactly Strapi's.
    expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4))).toEqual({
      data: null,
      error: {
        status: 400,
        name: 'BadRequestError',
        message: 'Malformed HTTP request (Bad Request)',
        details: {},
      },
    });
  });

  it('browsers may read the code: CORS exposes the header', async () => {
    const res = await t.request({ url: '/nowhere', headers: { origin: 'https://app.example' } });
    expect(String(res.headers['access-control-expose-headers'])).toContain('X-Quorum-Error-Code');
  });
});

describe('error codes of the media library', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind: 'sqlite',
      app: 'media',
      config: { upload: { provider: 'local', local: { folder: uploadsFolder() }, sizeLimit: 1000 } },
    });
  });
  afterAll(() => t?.close());

  it('a file over upload.sizeLimit, and a range outside a file', async () => {
    expectCode(
      await upload(t, [{ filename: 'big.bin', data: Buffer.alloc(2000, 1) }]),
      'QUORUM_FILE_TOO_LARGE',
    );
    const res = await upload(t, [{ filename: 'small.bin', data: Buffer.alloc(100, 1) }]);
    expect(res.status, res.body).toBe(201);
    const outside = await t.request({ url: res.json()[0].url, headers: { range: 'bytes=500-' } });
    expectCode(outside, 'QUORUM_RANGE_NOT_SATISFIABLE');
  });
});

describe.skipIf(!postgresAvailable())('error codes when PostgreSQL cannot be reached', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let node: QuorumNode;
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const direct = new URL(db.url);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const env = { DATABASE_URL: proxy.rewrite(db.url), QUORUM_SECRET: TEST_SECRET };
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    node = await createNode(loadConfig({ appDir: fixtureAppPath('kitchen'), env }), { logger, env });
    authorization = `Bearer ${(await node.tokens.create({ name: 'outage', type: 'full-access' })).token}`;
  });
  afterAll(async () => {
    await proxy?.restore();
    await node?.stop({ drainMs: 0 });
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 QUORUM_DATABASE_UNAVAILABLE, for reads and writes', async () => {
    expect(
      (await send(node, { method: 'GET', url: '/api/articles', headers: { authorization } })).status,
    ).toBe(200);
    await proxy.cut();
    const read = await send(node, {
      method: 'GET',
      url: '/api/articles?sort=title',
      headers: { authorization },
    });
    expectCode(read, 'QUORUM_DATABASE_UNAVAILABLE');
    const write = await send(node, {
      url: '/api/articles',
      body: { data: { title: 'x' } },
      headers: { authorization },
    });
    expectCode(write, 'QUORUM_DATABASE_UNAVAILABLE');
    expect(JSON.parse(write.body).error.message).toBe('The database is unavailable, try again later');
  });
});
