import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { enqueue } from '../cluster/outbox.js';
import type { QuorumConfig } from '../config/index.js';
import type { Executor } from '../db/types.js';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends the emails Users & Permissions needs (reset password, confirm address). */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/**
 * Outbox topic of emails to send. Requests never send mail themselves: they queue an event naming what
 * to send (`type`), and the email worker of some node (workers/email) composes and sends it, with
 * retries. A request so answers at once, whatever the mail server does, and a mail asked for is not
 * lost when a node or the mail server goes down.
 */
export const EMAIL_TOPIC = 'email';

/** Queues an email event in `trx` (it is sent once the transaction commits). */
export function queueEmail(
  trx: Executor,
  event: { type: string; payload: Record<string, unknown>; requestId?: string },
): Promise<number> {
  return enqueue(trx, { topic: EMAIL_TOPIC, ...event });
}

/**
 * The configured provider: `smtp` sends through nodemailer; `file` writes each message as an .eml file
 * (development, tests); `none` sends nothing. Message bodies carry one-time codes, so they are never
 * logged.
 */
export function createEmailSender(config: QuorumConfig, logger: Logger): EmailSender {
  const { email } = config;
  if (email.provider === 'none') {
    return {
      async send(message) {
        logger.warn(
          { to: message.to, subject: message.subject },
          'email not sent: configure email.provider to send it',
        );
      },
    };
  }
  if (email.provider === 'file') {
    const dir = path.resolve(config.appDir, email.dir);
    const transport = lazyTransport((nodemailer) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    );
    return {
      async send(message) {
        const info = await (await transport()).sendMail({ from: email.from, ...message });
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
        writeFileSync(file, info.message as Buffer, { mode: 0o600 });
        logger.info({ to: message.to, subject: message.subject, file }, 'email written to file');
      },
    };
  }
  const transport = lazyTransport((nodemailer) =>
    nodemailer.createTransport({
      host: email.smtp.host,
      port: email.smtp.port,
      secure: email.smtp.secure,
      auth: email.smtp.user ? { user: email.smtp.user, pass: email.smtp.password } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    }),
  );
  return {
    async send(message) {
      await (await transport()).sendMail({ from: email.from, ...message });
      logger.info({ to: message.to, subject: message.subject }, 'email sent');
    },
  };
}

type Nodemailer = typeof import('nodemailer');

/** nodemailer is loaded with the first email, not at start: most nodes never send one. */
function lazyTransport(create: (nodemailer: Nodemailer) => Transporter): () => Promise<Transporter> {
  let transport: Promise<Transporter> | undefined;
  return () => (transport ??= import('nodemailer').then((module) => create(module)));
}
