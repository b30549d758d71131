import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { waitFor } from '../helpers/processes.js';

/**
 * Clients that hold sockets without finishing a request (issue 16, "slow clients"), on a real port:
 * the server.*TimeoutMs settings cut them, and methods no route serves are a 405, CONNECT included.
 * Timeouts here are short so the test is quick; nothing asserts how fast anything is.
 */

const REQUEST_TIMEOUT_MS = 1500;
const HEADERS_TIMEOUT_MS = 700;

interface RawExchange {
  /** Everything the server sent before it closed the connection. */
  readonly received: string;
}

/** Opens a socket, writes `chunks` and resolves with what came back once the server closed it. */
function rawExchange(port: number, chunks: string[], deadlineMs = 20_000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the socket open for ${deadlineMs} ms; got: ${received}`));
    }, deadlineMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // a reset after the answer is still a closed socket
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
}

function bodyOf(raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

describe('slow and odd clients on a real port', () => {
  let t: TestNode;
  let port: number;
  beforeAll(async () => {
    t = await startTestNode({
      kind: 'sqlite',
      app: 'kitchen',
      config: {
        server: {
          host: '127.0.0.1',
          port: 0,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          headersTimeoutMs: HEADERS_TIMEOUT_MS,
        },
      },
    });
    port = Number(new URL(await t.node.listen()).port);
  });
  afterAll(() => t?.close());

  const slowBody = () => [
    `POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.fullAccess}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"data":',
  ];

  it('a body that never finishes is answered 408 in Strapi’s shape and its socket closed', async () => {
    const started = Date.now();
    const { received } = await rawExchange(port, slowBody());
    // Not before the configured timeout (the server did wait for the body)…
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(statusOf(received), received).toBe(408);
    expect(bodyOf(received)).toEqual({
      data: null,
      error: {
        status: 408,
        name: 'BadRequestError',
        message: 'Malformed HTTP request (Request Timeout)',
        details: {},
      },
    });
    // …and nothing was created from the half body.
    expect((await t.request({ url: '/api/articles' })).json().data).toEqual([]);
  });

  it('headers that never finish are cut after server.headersTimeoutMs', async () => {
    const { received } = await rawExchange(port, ['GET /api/articles HTTP/1.1\r\nHost: x\r\nX-Slow: ']);
    expect(statusOf(received), received).toBe(408);
  });

  it('a connection that never sends a byte is closed', async () => {
    const { received } = await rawExchange(port, []);
    expect(received === '' || statusOf(received) === 408, received).toBe(true);
  });

  it('many stalled requests do not pile up: every socket is closed by the server', async () => {
    const count = 40;
    const exchanges = await Promise.all(
      Array.from({ length: count }, (_, i) => rawExchange(port, i % 2 ? slowBody() : ['GET / HTTP/1.1\r\n'])),
    );
    expect(exchanges.every(({ received }) => statusOf(received) === 408)).toBe(true);
    // The server's side of each socket is gone too (it closes a moment after the client sees it).
    const openSockets = () =>
      new Promise<number>((resolve, reject) =>
        t.node.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      );
    await waitFor('the server to hold no socket', async () =>
      (await openSockets()) === 0 ? true : undefined,
    );
  });

  it('CONNECT is answered 405 with an Allow header, in Strapi’s shape', async () => {
    const { received } = await rawExchange(port, [
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    ]);
    expect(statusOf(received), received).toBe(405);
    expect(received).toMatch(/^Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r$/im);
    expect(bodyOf(received)).toEqual({
      data: null,
      error: {
        status: 405,
        name: 'MethodNotAllowedError',
        message: expect.stringContaining('Method Not Allowed'),
        details: {},
      },
    });
  });

  it('methods no route serves are a 405 with an Allow header, on known and unknown paths', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'LINK']) {
      for (const url of ['/api/articles', '/nowhere', '/_health']) {
        const res = await fetchRaw(port, method, url);
        expect(res.status, `${method} ${url}`).toBe(405);
        expect(res.allow, `${method} ${url}`).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
        expect(res.json(), `${method} ${url}`).toEqual({
          data: null,
          error: {
            status: 405,
            name: 'MethodNotAllowedError',
            message: expect.stringContaining('Method Not Allowed'),
            details: {},
          },
        });
      }
    }
    // The methods routes do serve are untouched.
    expect((await fetchRaw(port, 'GET', '/_health')).status).toBe(204);
  });
});

/** A request with any method, through Node's own client (fetch refuses TRACE and CONNECT). */
function fetchRaw(
  port: number,
  method: string,
  url: string,
): Promise<{ status: number; allow: string | undefined; json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: url }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          json: () => JSON.parse(body),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
