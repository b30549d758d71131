import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import { usersPermissionsLinks } from '../../src/auth/permissions.js';
import type { DatabaseKind } from './databases.js';
import { copyFixtureApp, fixtureAppPath, startTestNode, type TestNode, type TestResponse } from './node.js';

/**
 * Helpers for the Users & Permissions suites: a node started with a `config/permissions.json` written by
 * the test itself (so each suite shows the grants it asserts next to its expectations), users, JWTs
 * (valid, expired, tampered, foreign), and the emails the `file` provider writes.
 */

export type Grant = string | { action: string; conditions?: Record<string, unknown> };

export interface PermissionsFile {
  roles: Record<string, { name?: string; description?: string; permissions: Grant[] }>;
}

/** Generous limits: the suites exercise behaviour, not rate limiting or lock-out (tested elsewhere). */
export const NO_LIMITS = { rateLimit: { auth: { max: 100_000 } }, bruteForce: { maxFailures: 100_000 } };

/**
 * Starts a node on a copy of a fixture app whose `config/permissions.json` is `permissions` and whose
 * `quorum.config.json` is `config` (merged over NO_LIMITS).
 */
export async function startNodeWithPermissions(options: {
  kind: DatabaseKind;
  permissions: PermissionsFile;
  app?: string;
  config?: Record<string, unknown>;
  logger?: Logger;
}): Promise<TestNode> {
  const dir = copyFixtureApp(options.app ?? 'permissions');
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'config', 'permissions.json'), JSON.stringify(options.permissions, null, 2));
  writeFileSync(
    path.join(dir, 'quorum.config.json'),
    JSON.stringify({ ...NO_LIMITS, ...options.config }, null, 2),
  );
  // startTestNode resolves app names against the fixtures folder: a relative path reaches the copy.
  let t: TestNode;
  try {
    t = await startTestNode({
      kind: options.kind,
      app: path.relative(fixtureAppPath('.'), dir),
      logger: options.logger,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...t,
    request: (o) => t.request(o),
    async close() {
      try {
        await t.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const bearer = (jwt: string): string => `Bearer ${jwt}`;

export interface SignedIn {
  readonly jwt: string;
  readonly user: { id: number; documentId: string; username: string; email: string } & Record<
    string,
    unknown
  >;
  /** The Authorization header value. */
  readonly auth: string;
}

/** POST /api/auth/local/register (must answer 200). */
export async function register(
  t: TestNode,
  body: { username: string; email: string; password: string } & Record<string, unknown>,
): Promise<SignedIn> {
  const res = await t.request({ method: 'POST', url: '/api/auth/local/register', body, auth: 'none' });
  expect(res.status, `register ${body.username}: ${res.body}`).toBe(200);
  const { jwt, user } = res.json();
  return { jwt, user, auth: bearer(jwt) };
}

/** POST /api/auth/local. */
export function login(t: TestNode, identifier: string, password: string): Promise<TestResponse> {
  return t.request({ method: 'POST', url: '/api/auth/local', body: { identifier, password }, auth: 'none' });
}

/** The role of a type (`public`, `authenticated`, a custom one) as stored: numeric id and documentId. */
export async function role(t: TestNode, type: string): Promise<{ id: number; documentId: string }> {
  const table = t.node.core.schema().contentTypes.get('plugin::users-permissions.role')!.tableName;
  const row = await t.node.database.db
    .selectFrom(table)
    .select(['id', 'document_id'])
    .where('type', '=', type)
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), documentId: row.document_id as string };
}

/** PUT /api/users/:id with the full-access token (must answer 200): blocks, re-roles, renames. */
export async function updateUser(t: TestNode, id: number, data: Record<string, unknown>): Promise<void> {
  const res = await t.request({ method: 'PUT', url: `/api/users/${id}`, body: data });
  expect(res.status, `update user ${id}: ${res.body}`).toBe(200);
}

/** Gives a user the role of that type. */
export async function assignRole(t: TestNode, userId: number, type: string): Promise<void> {
  await updateUser(t, userId, { role: (await role(t, type)).id });
}

/**
 * Removes every grant of a role straight from the database (config/permissions.json always keeps the
 * built-in roles' default auth grants) and makes the node reload its permissions.
 */
export async function revokeAllGrants(t: TestNode, roleType: string): Promise<void> {
  const schema = t.node.core.schema();
  const table = schema.contentTypes.get('plugin::users-permissions.permission')!.tableName;
  const { permissionRole } = usersPermissionsLinks(schema);
  const { documentId } = await role(t, roleType);
  const db = t.node.database.db;
  const links = await db
    .selectFrom(permissionRole)
    .select('source_id')
    .where('target_document_id', '=', documentId)
    .execute();
  const ids = links.map((l) => Number(l.source_id));
  if (ids.length) {
    await db.deleteFrom(permissionRole).where('source_id', 'in', ids).execute();
    await db.deleteFrom(table).where('id', 'in', ids).execute();
  }
  t.node.permissions.invalidate();
}

// ---------------------------------------------------------------------------------------------------
// JWTs

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** A JWT signed with the node's own key whose expiry is in the past. */
export function expiredJwt(t: TestNode, userId: number): Promise<string> {
  return t.node.userJwt.sign({ id: userId }, { expiresAt: new Date(Date.now() - 60_000) });
}

/** A valid JWT for any user id, signed with the node's key (as login would issue it). */
export function signedJwt(t: TestNode, userId: number): Promise<string> {
  return t.node.userJwt.sign({ id: userId }, { expiresIn: '1h' });
}

/** The same token with one character of its signature changed. */
export function flipSignature(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const i = Math.floor(signature.length / 2);
  const replaced = signature[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, i)}${replaced}${signature.slice(i + 1)}`;
}

/** The same token with one character of its payload changed (header and signature kept). */
export function flipPayload(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const i = Math.floor(payload.length / 2);
  const replaced = payload[i] === 'A' ? 'B' : 'A';
  return `${header}.${payload.slice(0, i)}${replaced}${payload.slice(i + 1)}.${signature}`;
}

/** The same header and signature over a payload with other claims (e.g. another user's id). */
export function tamperPayload(jwt: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = jwt.split('.');
  return `${header}.${b64url(JSON.stringify({ ...decodePart(payload), ...claims }))}.${signature}`;
}

/** A well-formed HS256 JWT with the node's key id, signed with a different secret. */
export function foreignJwt(jwt: string, userId: number): Promise<string> {
  const header = decodePart(jwt.split('.')[0]);
  return new SignJWT({ id: userId })
    .setProtectedHeader({ alg: 'HS256', kid: header.kid as string, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new Uint8Array(randomBytes(32)));
}

/** An unsigned token (`alg: none`) naming the user. */
export function unsignedJwt(jwt: string, userId: number): string {
  const header = decodePart(jwt.split('.')[0]);
  const now = Math.floor(Date.now() / 1000);
  return `${b64url(JSON.stringify({ ...header, alg: 'none' }))}.${b64url(JSON.stringify({ id: userId, iat: now, exp: now + 3600 }))}.`;
}

// ---------------------------------------------------------------------------------------------------
// Email written by the `file` provider

/**
 * Waits until every email queued in the outbox (topic `email`) has been handled — sent, found to need
 * no message, or given up — so a test can read the mail folder. Emails are sent by the node's email
 * worker after the request answered.
 */
export async function emailsSent(t: TestNode, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.node.database.db
      .selectFrom('quorum_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('topic', '=', 'email')
      .where('status', '=', 'new')
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${row.n} queued email(s) still unsent after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Mail {
  readonly file: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export function tempMailDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'quorum-mail-'));
}

/** Every .eml in `dir`, oldest first, with headers and a decoded plain-text body. */
export function readMails(dir: string): Mail[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  // Written order: modification time (sub-millisecond), then the name (which starts with the time).
  return files
    .map((file) => ({ file: path.join(dir, file), at: statSync(path.join(dir, file)).mtimeMs }))
    .sort((a, b) => a.at - b.at || a.file.localeCompare(b.file))
    .map(({ file }) => parseEml(file));
}

function parseEml(file: string): Mail {
  const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const split = raw.indexOf('\n\n');
  const headerText = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
  let body = raw.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of headerText.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'quoted-printable') {
    body = body
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  } else if (encoding === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { file, to: headers.get('to') ?? '', subject: headers.get('subject') ?? '', text: body };
}

/** The newest mail to `address` (which must exist), and the value of `param` in the link it carries. */
export function lastMailTo(dir: string, address: string, param: string): { mail: Mail; code: string } {
  const mails = readMails(dir).filter((m) => m.to.toLowerCase().includes(address.toLowerCase()));
  expect(mails.length, `a mail to ${address} in ${dir}`).toBeGreaterThan(0);
  const mail = mails[mails.length - 1];
  const match = new RegExp(`[?&]${param}=([^\\s&]+)`).exec(mail.text);
  expect(match, `a ${param}= link in ${mail.text}`).not.toBeNull();
  return { mail, code: match![1] };
}
