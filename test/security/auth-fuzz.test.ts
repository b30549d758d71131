import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { register } from './support.js';

/**
 * Property: whatever a client sends to the authentication routes — any JSON, broken JSON, odd
 * content types, hostile strings as identifiers, from any address, with lock-outs and rate limits
 * kicking in along the way — the answer is a 2xx or a 4xx in Strapi's error shape, never a 5xx.
 */

const RUNS = 200;

const ROUTES = [
  '/api/auth/local',
  '/api/auth/local/register',
  '/api/auth/forgot-password',
  '/api/auth/reset-password',
  '/api/auth/send-email-confirmation',
  '/api/auth/change-password',
];
const KEYS = [
  'identifier',
  'password',
  'username',
  'email',
  'code',
  'passwordConfirmation',
  'currentPassword',
  '__proto__',
  'constructor',
  'role',
  'confirmed',
  'blocked',
];
const HOSTILE = [
  'alice',
  'ALICE@EXAMPLE.COM',
  'secret123',
  "' or 1=1 --",
  '%',
  '_',
  '\\',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'é'.repeat(300),
  'x'.repeat(5000),
  '',
  ' ',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const value = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const objectBody = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 })), value, {
  maxKeys: 6,
});
// Bodies of the right shape too, so logins succeed, fail and lock, and the limits are reached.
const credentials = fc.record({
  identifier: fc.oneof(fc.constantFrom('alice', 'ALICE', 'alice@example.com'), text),
  password: fc.oneof(fc.constant('secret123'), text),
});
const payload = fc.oneof(
  { weight: 4, arbitrary: credentials.map((body) => JSON.stringify(body)) },
  { weight: 6, arbitrary: objectBody.map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constant('{"identifier": "alice", "password": ') },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);
const address = fc.oneof(
  { weight: 1, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 4, arbitrary: fc.constantFrom('127.0.0.1', '198.51.100.1', '::1') },
);
const authorization = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `Bearer ${s}`) },
  { weight: 1, arbitrary: fc.constant('Bearer a.b.c') },
);

describeEachDatabase('auth routes under random input', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'relations',
      // Small limits, so that lock-outs and 429s happen during the run too.
      config: {
        bruteForce: { maxFailures: 2, windowMs: 60_000, lockMs: 1000 },
        rateLimit: { auth: { max: 5, windowMs: 60_000 } },
      },
    });
    await register(t.node, 'alice');
  });
  afterAll(() => t.close());

  it('never answers 5xx', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        payload,
        contentType,
        address,
        authorization,
        async (url, body, type, from, auth) => {
          const res = await t.node.app.inject({
            method: 'POST',
            url,
            remoteAddress: from,
            payload: body,
            headers: {
              ...(type ? { 'content-type': type } : {}),
              ...(auth !== undefined ? { authorization: auth } : {}),
            },
          });
          statuses.add(res.statusCode);
          expect(res.statusCode, `${url} ${body}: ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const parsed = JSON.parse(res.body);
            expect(parsed.data).toBeNull();
            expect(parsed.error.status).toBe(res.statusCode);
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The run went through the protections, not only around them.
    expect(statuses).toContain(429);
  });
});
