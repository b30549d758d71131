import type { QuorumConfig } from '../../config/index.js';
import { BadRequestError } from '../../core/errors.js';
import type { Database } from '../../db/types.js';
import { queueEmail, type EmailMessage } from '../email.js';
import { digest, newCode, type Users } from './users.js';

/** Email event types of Users & Permissions (outbox topic `email`). */
export const RESET_PASSWORD_EMAIL = 'users-permissions.reset-password';
export const CONFIRMATION_EMAIL = 'users-permissions.email-confirmation';

/**
 * Turns a queued email event into the message to send, or undefined when there is nobody to send it
 * to any more. Runs in the email worker, once per attempt.
 */
export type EmailComposer = (payload: unknown) => Promise<EmailMessage | undefined>;

/** Where the links in the emails point: configuration only, never a request's Host header. */
export interface EmailLinks {
  /** The absolute URL of GET /api/auth/email-confirmation; undefined when server.url is not set. */
  readonly confirmation?: string;
  /** The frontend page that receives `?code=…` (usersPermissions.resetPasswordUrl). */
  readonly resetPassword: string;
}

/** As Strapi builds its confirmation link: server URL + REST prefix + /auth/email-confirmation. */
export function emailLinks(config: QuorumConfig): EmailLinks {
  const base = config.server.url;
  return {
    confirmation: base ? `${base}${config.api.rest.prefix}/auth/email-confirmation` : undefined,
    resetPassword: config.usersPermissions.resetPasswordUrl,
  };
}

/**
 * The reset-password and email-confirmation emails. Routes only queue an event; the one-time code is
 * made, stored (as a digest) and mailed by the worker, so no code ever sits in the outbox, and a
 * reset asked for an unknown address costs the request exactly what a known one costs.
 */
export class UsersPermissionsEmails {
  constructor(
    private readonly database: Database,
    private readonly users: Users,
    readonly links: EmailLinks,
  ) {}

  /** Queues a reset for whoever has this (lower-cased) address; the worker finds out whether anyone does. */
  async requestPasswordReset(email: string, requestId?: string): Promise<void> {
    await this.database.transaction((trx) =>
      queueEmail(trx, { type: RESET_PASSWORD_EMAIL, payload: { email }, requestId }),
    );
  }

  /** Queues a new confirmation link for the user; 400 when no public URL is configured to link to. */
  async requestConfirmation(user: { documentId: string }, requestId?: string): Promise<void> {
    this.assertCanConfirm();
    await this.database.transaction((trx) =>
      queueEmail(trx, { type: CONFIRMATION_EMAIL, payload: { user: user.documentId }, requestId }),
    );
  }

  /**
   * Refuses, with a message for the operator, when confirmation links have nowhere to point. A node
   * that requires confirmation does not start without server.url; this covers the route that sends
   * links while confirmation is off.
   */
  assertCanConfirm(): void {
    if (!this.links.confirmation)
      throw new BadRequestError(
        'Email confirmation is not available: the server has no public URL configured (server.url)',
      );
  }

  /** The composers of these emails by event type, for the email worker. */
  composers(): Record<string, EmailComposer> {
    return {
      [RESET_PASSWORD_EMAIL]: (payload) => this.#resetPassword(payload),
      [CONFIRMATION_EMAIL]: (payload) => this.#confirmation(payload),
    };
  }

  async #resetPassword(payload: unknown): Promise<EmailMessage | undefined> {
    const email = field(payload, 'email');
    const user = await this.users.byColumn('email', email);
    // Unknown and blocked addresses get nothing; the request that asked was answered the same way.
    if (!user || user.blocked) return undefined;
    const code = newCode();
    await this.users.update(user, { resetPasswordToken: digest(code) });
    const base = this.links.resetPassword;
    const link = `${base}${base.includes('?') ? '&' : '?'}code=${code}`;
    return {
      to: user.email,
      subject: 'Reset password',
      text: `We heard that you lost your password. Sorry about that!\n\nBut don't worry! You can use the following link to reset your password:\n${link}\n\nThanks.`,
    };
  }

  async #confirmation(payload: unknown): Promise<EmailMessage | undefined> {
    const user = await this.users.byColumn('document_id', field(payload, 'user'));
    if (!user || user.confirmed || user.blocked) return undefined;
    // Thrown, not skipped: the event is retried, and a node configured with a URL may send it.
    if (!this.links.confirmation) throw new Error('server.url is not configured: no link to send');
    const code = newCode();
    await this.users.update(user, { confirmationToken: digest(code) });
    return {
      to: user.email,
      subject: 'Account confirmation',
      text: `Thank you for registering!\n\nYou have to confirm your email address. Please click on the link below.\n\n${this.links.confirmation}?confirmation=${code}\n\nThanks.`,
    };
  }
}

function field(payload: unknown, key: string): string {
  const value = (payload as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'string') throw new Error(`email event without a "${key}" string`);
  return value;
}
