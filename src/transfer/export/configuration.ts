import { AUTHENTICATED_ROLE } from '../../auth/users-permissions/actions.js';
import type { Database } from '../../db/types.js';
import { openHeaders } from '../../webhooks/headers.js';
import type { SecretBox } from '../../webhooks/secrets.js';
import { WEBHOOKS_TABLE } from '../../webhooks/tables.js';
import { TransferError } from '../errors.js';
import type { ConfigurationLine } from '../format.js';
import { rowBatches } from './rows.js';

/** The Users & Permissions settings of the app (quorum.config.json `usersPermissions`). */
export interface UsersPermissionsSettings {
  readonly allowRegister: boolean;
  readonly emailConfirmation: boolean;
  readonly emailConfirmationRedirect: string;
  readonly resetPasswordUrl: string;
}

export interface ConfigurationSources {
  /** Opens webhooks' sealed headers (the key derived from QUORUM_SECRET for webhook secrets). */
  readonly webhookSecrets: SecretBox;
  readonly usersPermissions: UsersPermissionsSettings;
}

/**
 * The configuration stage. Strapi keeps its settings in a key-value table (core-store) and Quorum in
 * quorum.config.json, so the one setting both have is written as Strapi's row for it: the Users &
 * Permissions advanced settings (registration, email confirmation and its redirect, the reset page,
 * unique emails, the default role). Then the webhooks, as Strapi's `webhook` rows (name, url, headers,
 * events, enabled): headers are sealed at rest here and plain in Strapi, so they are opened with the
 * node's key, and an archive holding credentials in them should be encrypted (`--key`).
 */
export async function* configurationLines(
  database: Database,
  sources: ConfigurationSources,
): AsyncGenerator<ConfigurationLine> {
  const settings = sources.usersPermissions;
  yield {
    type: 'core-store',
    value: {
      id: 1,
      key: 'plugin_users-permissions_advanced',
      value: {
        unique_email: true,
        allow_register: settings.allowRegister,
        email_confirmation: settings.emailConfirmation,
        email_reset_password: settings.resetPasswordUrl,
        email_confirmation_redirection: settings.emailConfirmationRedirect,
        default_role: AUTHENTICATED_ROLE,
      },
      type: 'object',
      environment: null,
      tag: null,
    },
  };
  const box = sources.webhookSecrets;
  const { dialect } = database;
  for await (const rows of rowBatches(database, WEBHOOKS_TABLE, [
    'id',
    'name',
    'url',
    'headers',
    'sealed_headers',
    'events',
    'enabled',
  ])) {
    for (const row of rows) {
      let headers: Record<string, string>;
      try {
        headers = openHeaders(box, dialect.fromDb('json', row.headers), row.sealed_headers);
      } catch {
        throw new TransferError(
          `the headers of webhook ${String(row.id)} cannot be opened: QUORUM_SECRET is not the one the nodes use`,
        );
      }
      yield {
        type: 'webhook',
        value: {
          id: Number(row.id),
          name: row.name,
          url: row.url,
          headers,
          events: dialect.fromDb('json', row.events),
          enabled: dialect.fromDb('boolean', row.enabled),
        },
      };
    }
  }
}
