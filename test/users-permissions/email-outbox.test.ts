import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';
import type { TestNode } from '../helpers/node.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import {
  emailsSent,
  lastMailTo,
  readMails,
  register,
  startNodeWithPermissions,
  tempMailDir,
} from '../helpers/users-permissions.js';
import { send, startCluster, type TestCluster } from '../security/support.js';

/**
 * The emails of Users & Permissions (issue 16, "Hardening from outside"):
 * - links come from configuration only (`server.url` / QUORUM_PUBLIC_URL, usersPermissions.
 *   resetPasswordUrl), never from the request's Host header — Strapi builds its confirmation link the
 *   same way, from its server URL and API prefix (users-permissions services/user.js,
 *   sendConfirmationEmail), and its reset link from the configured reset page (controllers/auth.js);
 * - requests queue emails in the outbox and answer at once, the same way whether the address is
 *   anyone's or not; each node's email worker sends them (over a real SMTP socket here), retries with
 *   backoff, and logs a message that keeps failing as dead.
 */

const PUBLIC_URL = 'https://cms.example';
const RESET_PAGE = 'https://app.example/reset-password';

function error(status: number, name: string, message: string) {
  return { data: null, error: { status, name, message, details: {} } };
}

/** The plain-text body of an SMTP message (nodemailer writes long lines quoted-printable). */
function bodyOf(data: string): string {
  const body = data.slice(data.indexOf('\n\n') + 2);
  return /content-transfer-encoding:\s*quoted-printable/i.test(data)
    ? body
        .replace(/=\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : body;
}

async function outboxEmails(t: TestNode) {
  return t.node.database.db
    .selectFrom('quorum_outbox')
    .select(['id', 'type', 'status', 'attempts', 'last_error'])
    .where('topic', '=', 'email')
    .orderBy('id')
    .execute();
}

describe('configuration of the public URL', () => {
  let appDir: string;
  beforeAll(() => {
    appDir = mkdtempSync(path.join(tmpdir(), 'quorum-public-url-'));
  });
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));
  const withConfig = (config: unknown) =>
    writeFileSync(path.join(appDir, 'quorum.config.json'), JSON.stringify(config));

  it('email confirmation without server.url refuses to start, saying what to set', () => {
    withConfig({ usersPermissions: { emailConfirmation: true } });
    expect(() => loadConfig({ appDir, env: {} })).toThrow(/server\.url \(or QUORUM_PUBLIC_URL\)/);
  });

  it('QUORUM_PUBLIC_URL or server.url: an absolute http(s) URL, kept without its trailing slash', () => {
    withConfig({ usersPermissions: { emailConfirmation: true } });
    const fromEnv = loadConfig({ appDir, env: { QUORUM_PUBLIC_URL: 'https://cms.example/' } });
    expect(fromEnv.server.url).toBe('https://cms.example');
    withConfig({ server: { url: 'http://cms.example:8080/strapi/' } });
    expect(loadConfig({ appDir, env: {} }).server.url).toBe('http://cms.example:8080/strapi');
    for (const url of ['cms.example', '/api', 'javascript:alert(1)', 'https://cms.example/?x=1']) {
      withConfig({ server: { url } });
      expect(() => loadConfig({ appDir, env: {} }), url).toThrow(/server\.url: must/);
    }
  });
});

describeEachDatabase('links in emails come from configuration, not the Host header', (kind) => {
  let t: TestNode;
  let mailDir: string;
  beforeAll(async () => {
    mailDir = tempMailDir();
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      config: {
        server: { url: PUBLIC_URL },
        usersPermissions: { emailConfirmation: true, resetPasswordUrl: RESET_PAGE },
        email: { provider: 'file', dir: mailDir },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });
  // What an attacker sends to have the victim mailed a link to their own site, with a valid code.
  const EVIL = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };
  const post = (url: string, body: unknown) =>
    t.request({ method: 'POST', url, body, auth: 'none', headers: EVIL });

  it('register and send-email-confirmation: the confirmation link is server.url + the API prefix', async () => {
    const res = await post('/api/auth/local/register', {
      username: 'victim',
      email: 'victim@example.com',
      password: 'victim-pass-1',
    });
    expect(res.status, res.body).toBe(200);
    await emailsSent(t);
    const first = lastMailTo(mailDir, 'victim@example.com', 'confirmation');
    expect(first.mail.text).toContain(`${PUBLIC_URL}/api/auth/email-confirmation?confirmation=${first.code}`);
    expect(first.mail.text).not.toContain('evil');

    const again = await post('/api/auth/send-email-confirmation', { email: 'victim@example.com' });
    expect(again.json(), again.body).toEqual({ email: 'victim@example.com', sent: true });
    await emailsSent(t);
    const second = lastMailTo(mailDir, 'victim@example.com', 'confirmation');
    expect(second.code).not.toBe(first.code);
    expect(second.mail.text).toContain(
      `${PUBLIC_URL}/api/auth/email-confirmation?confirmation=${second.code}`,
    );
    expect(second.mail.text).not.toContain('evil');
    // The link works (it confirms and redirects), once.
    const confirm = await t.request({
      url: `/api/auth/email-confirmation?confirmation=${second.code}`,
      auth: 'none',
    });
    expect(confirm.status, confirm.body).toBe(302);
  });

  it('forgot-password: the link is usersPermissions.resetPasswordUrl', async () => {
    const res = await post('/api/auth/forgot-password', { email: 'victim@example.com' });
    expect(res.json(), res.body).toEqual({ ok: true });
    await emailsSent(t);
    const { mail, code } = lastMailTo(mailDir, 'victim@example.com', 'code');
    expect(mail.text).toContain(`${RESET_PAGE}?code=${code}`);
    expect(mail.text).not.toContain('evil');
  });
});

describeEachDatabase('no public URL configured (email confirmation off)', (kind) => {
  let t: TestNode;
  let mailDir: string;
  beforeAll(async () => {
    mailDir = tempMailDir();
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      config: { email: { provider: 'file', dir: mailDir } },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('send-email-confirmation refuses with a clear 400 and queues nothing', async () => {
    // An unconfirmed user (created through /api/users, which leaves `confirmed` false).
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      body: { username: 'unconfirmed', email: 'unconfirmed@example.com', password: 'pass-word-1' },
    });
    expect(created.status, created.body).toBe(201);
    for (const email of ['unconfirmed@example.com', 'nobody@example.com']) {
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/send-email-confirmation',
        body: { email },
        auth: 'none',
        headers: { host: 'evil.example' },
      });
      expect(res.json(), res.body).toEqual(
        error(
          400,
          'ApplicationError',
          'Email confirmation is not available: the server has no public URL configured (server.url)',
        ),
      );
    }
    expect(await outboxEmails(t)).toEqual([]);
    expect(readMails(mailDir)).toEqual([]);
  });
});

describeEachDatabase('emails go through the outbox to the mail server', (kind) => {
  let t: TestNode;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      config: {
        usersPermissions: { resetPasswordUrl: RESET_PAGE },
        email: {
          provider: 'smtp',
          smtp: { host: '127.0.0.1', port: smtp.port },
          pollMs: 20,
          backoff: { baseMs: 10, maxMs: 50 },
        },
        // No periodic reload or pruning inside the statement comparison below.
        auth: { permissionCacheTtlMs: 3_600_000 },
        rateLimit: { auth: { max: 100_000, windowMs: 3_600_000 } },
      },
    });
    await register(t, { username: 'alice', email: 'alice@example.com', password: 'alice-pass-1' });
  });
  afterAll(async () => {
    smtp?.release();
    await t?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    smtp.release();
    smtp.refuseNext(0);
  });
  const forgot = (email: string) =>
    t.request({ method: 'POST', url: '/api/auth/forgot-password', body: { email }, auth: 'none' });

  it('forgot-password answers while the mail server has not even greeted, for known and unknown addresses alike', async () => {
    smtp.hold();
    const before = smtp.messages.length;
    const known = await forgot('alice@example.com');
    const unknown = await forgot('nobody@example.com');
    for (const res of [known, unknown]) {
      expect(res.status, res.body).toBe(200);
      expect(res.json()).toEqual({ ok: true });
    }
    expect(known.body).toBe(unknown.body);
    // Answered, and nothing sent yet: the answer did not wait for the mail.
    expect(smtp.messages.length).toBe(before);

    smtp.release();
    await smtp.received(before + 1);
    await emailsSent(t);
    // Only the known address got a mail, with a working code.
    expect(smtp.messages.slice(before).map((m) => m.to)).toEqual([['alice@example.com']]);
    const text = bodyOf(smtp.messages[before].data);
    const code = new RegExp(`${RESET_PAGE}\\?code=([0-9a-f]+)`).exec(text)?.[1];
    expect(code, text).toBeDefined();
    const reset = await t.request({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { code, password: 'alice-pass-2', passwordConfirmation: 'alice-pass-2' },
      auth: 'none',
    });
    expect(reset.status, reset.body).toBe(200);
  });

  it('a message the server refuses is retried with backoff until it is taken', async () => {
    const before = smtp.messages.length;
    smtp.refuseNext(2);
    expect((await forgot('alice@example.com')).status).toBe(200);
    await smtp.received(before + 1);
    await emailsSent(t);
    const last = (await outboxEmails(t)).at(-1)!;
    expect(last).toMatchObject({ status: 'processed', attempts: 3, last_error: null });
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('the request does the same database work whether the address is anyone’s or not', async () => {
    // The email worker would read the user for the known address soon after: stop it.
    await t.node.emails.stop();
    await forgot('warm-up@example.com');
    // Other background work (bus notifications, heartbeats, the webhook dispatcher woken by the commit)
    // runs on its own schedule; the request's own statements are those on users, on the rate limits,
    // and the queued email.
    const requestOwn = (text: string) =>
      /"up_users"|quorum_rate_limits|insert into "quorum_outbox"/.test(text);
    const statementsOf = async (email: string) => {
      const statements: string[] = [];
      const stop = t.node.database.onQuery((event) => {
        if (requestOwn(event.sql)) statements.push(event.sql);
      });
      try {
        expect((await forgot(email)).status).toBe(200);
      } finally {
        stop();
      }
      return statements;
    };
    const known = await statementsOf('alice@example.com');
    const unknown = await statementsOf('nobody@example.com');
    expect(known.some((text) => text.startsWith('insert into "quorum_outbox"'))).toBe(true);
    expect(known.filter((text) => text.includes('"up_users"'))).toEqual([]);
    expect(known).toEqual(unknown);
  });
});

describeEachDatabase('an email that keeps failing', (kind) => {
  let t: TestNode;
  let smtp: TestSmtpServer;
  let logs: CapturedLogs;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    smtp.refuseAll();
    logs = captureLogs('info');
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      logger: logs.logger,
      config: {
        email: {
          provider: 'smtp',
          smtp: { host: '127.0.0.1', port: smtp.port },
          pollMs: 20,
          backoff: { baseMs: 10, maxMs: 40 },
          maxAgeMs: 300,
        },
      },
    });
    await register(t, { username: 'bob', email: 'bob@example.com', password: 'bob-pass-1' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('is retried, then given up after email.maxAgeMs: marked failed and logged as dead', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/forgot-password',
      body: { email: 'bob@example.com' },
      auth: 'none',
    });
    expect(res.json(), res.body).toEqual({ ok: true });
    await emailsSent(t);
    const [event] = await outboxEmails(t);
    expect(event.status).toBe('failed');
    expect(event.attempts).toBeGreaterThanOrEqual(2);
    expect(String(event.last_error)).toContain('451');
    expect(smtp.messages).toEqual([]);
    const dead = logs.lines().filter((line) => String(line.msg).startsWith('email dead'));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ level: 50, eventId: Number(event.id) });
    // The log never carries the one-time code or the message.
    expect(logs.raw.join('\n')).not.toMatch(/code=[0-9a-f]{16}/);
  });
});

describeEachDatabase('queued emails are durable across nodes', (kind) => {
  let cluster: TestCluster;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    cluster = await startCluster({
      kind,
      app: 'relations',
      size: 2,
      config: {
        rateLimit: { auth: { max: 10_000 } },
        usersPermissions: { resetPasswordUrl: RESET_PAGE },
        email: {
          provider: 'smtp',
          smtp: { host: '127.0.0.1', port: smtp.port },
          pollMs: 20,
          backoff: { baseMs: 10, maxMs: 50 },
        },
      },
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await smtp?.close();
  });

  it('a mail asked for while the mail server is down is sent by another node once it is back', async () => {
    const [first, second] = cluster.nodes;
    const reg = await send(first, {
      url: '/api/auth/local/register',
      body: { username: 'carol', email: 'carol@example.com', password: 'carol-pass-1' },
    });
    expect(reg.status, reg.body).toBe(200);
    smtp.refuseAll();
    const res = await send(first, { url: '/api/auth/forgot-password', body: { email: 'carol@example.com' } });
    expect(res.json(), res.body).toEqual({ ok: true });
    // The node that took the request stops sending (as if it died); the mail server comes back.
    await first.emails.stop();
    smtp.refuseNext(0);
    await smtp.received(1);
    const text = bodyOf(smtp.messages[0].data);
    const code = new RegExp(`${RESET_PAGE}\\?code=([0-9a-f]+)`).exec(text)?.[1];
    expect(code, text).toBeDefined();
    const reset = await send(second, {
      url: '/api/auth/reset-password',
      body: { code, password: 'carol-pass-2', passwordConfirmation: 'carol-pass-2' },
    });
    expect(reset.status, reset.body).toBe(200);
  });
});
