import type { Command } from 'commander';
import { ApiTokens, API_TOKEN_TYPES, type ApiTokenType } from '../../auth/api-tokens.js';
import { deriveKey, resolveSecret } from '../../config/index.js';
import { openDatabase } from '../../node/database.js';
import { announceFromOutside, TOPICS } from '../../node/cluster.js';
import { commandContext, output, type CommonOptions } from '../command-context.js';
import { CommandError } from '../errors.js';

async function withTokens<T>(options: CommonOptions, fn: (tokens: ApiTokens) => Promise<T>): Promise<T> {
  const { config, logger } = commandContext(options);
  const secret = resolveSecret(config);
  const { database } = await openDatabase(config, logger, { tolerateRefusedChanges: true });
  try {
    const tokens = new ApiTokens(database.db, deriveKey(secret, 'api-token-hmac'), { cacheTtlMs: 0 });
    // A revocation made here reaches running nodes through their bus at once.
    let changed = false;
    tokens.changes.add(() => (changed = true));
    const result = await fn(tokens);
    if (changed) await announceFromOutside(config, database, TOPICS.tokens, logger);
    return result;
  } finally {
    await database.close();
    logger.flush();
  }
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens');

  token
    .command('create')
    .description('create an API token and print it (shown once)')
    .requiredOption(
      '--type <type>',
      `token type: ${API_TOKEN_TYPES.filter((t) => t !== 'custom').join(' | ')}`,
    )
    .option('--name <name>', 'a unique name (default: generated)')
    .option('--description <text>', 'what the token is for')
    .option('--expires-in-days <n>', 'expire after this many days (default: never)')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(
      async (
        options: CommonOptions & {
          type: string;
          name?: string;
          description?: string;
          expiresInDays?: string;
        },
      ) => {
        if (options.type !== 'read-only' && options.type !== 'full-access') {
          throw new CommandError('--type must be read-only or full-access');
        }
        let expiresAt: string | null = null;
        if (options.expiresInDays !== undefined) {
          const days = Number(options.expiresInDays);
          if (!Number.isInteger(days) || days < 1)
            throw new CommandError('--expires-in-days must be a positive integer');
          expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
        }
        const name = options.name ?? `${options.type}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const created = await withTokens(options, (tokens) =>
          tokens.create({
            name,
            type: options.type as ApiTokenType,
            description: options.description,
            expiresAt,
          }),
        );
        output(created.token);
      },
    );

  token
    .command('list')
    .description('list API tokens (never their values)')
    .option('--json', 'print JSON')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(async (options: CommonOptions & { json?: boolean }) => {
      const records = await withTokens(options, (tokens) => tokens.list());
      if (options.json) return output(JSON.stringify(records, null, 2));
      if (records.length === 0) return output('(no API tokens)');
      for (const r of records) {
        output(
          [
            r.name,
            r.type,
            `created ${r.createdAt}`,
            r.expiresAt ? `expires ${r.expiresAt}` : 'never expires',
            r.lastUsedAt ? `last used ${r.lastUsedAt}` : 'never used',
          ].join('\t'),
        );
      }
    });

  token
    .command('revoke')
    .description('revoke an API token by name')
    .requiredOption('--name <name>', 'the token name')
    .option('--app <dir>', 'app directory (default: current directory)')
    .action(async (options: CommonOptions & { name: string }) => {
      const revoked = await withTokens(options, (tokens) => tokens.revoke(options.name));
      if (!revoked) throw new CommandError(`no API token named "${options.name}"`);
      output(options.name);
    });
}
