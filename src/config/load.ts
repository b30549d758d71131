import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { refusePlaceholder } from './placeholders.js';
import { configFileSchema, type ConfigFile } from './schema.js';
import type { ConfigOverrides, DatabaseKind, QuorumConfig } from './types.js';

export const CONFIG_FILE_NAME = 'quorum.config.json';

type Env = Record<string, string | undefined>;

/**
 * Reads quorum.config.json, the environment and CLI overrides, validates the result once and freezes it.
 * Precedence: CLI flag > environment > file > default.
 */
export function loadConfig(options: {
  appDir: string;
  env?: Env;
  overrides?: ConfigOverrides;
}): QuorumConfig {
  const appDir = path.resolve(options.appDir);
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  if (!existsSync(appDir)) throw new ConfigError(`App directory ${appDir} does not exist`);

  const file = readConfigFile(appDir);
  const layered = structuredClone(file) as Record<string, unknown>;
  const set = (keyPath: string[], value: unknown) => {
    if (value === undefined) return;
    let node = layered;
    for (const key of keyPath.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keyPath[keyPath.length - 1]] = value;
  };

  set(['server', 'port'], overrides.port ?? intFromEnv(env, 'PORT'));
  set(['server', 'host'], overrides.host ?? nonEmpty(env.HOST));
  set(['server', 'drainMs'], intFromEnv(env, 'QUORUM_DRAIN_MS'));
  set(['server', 'trustProxy'], trustProxyFromEnv(env));
  set(['server', 'url'], nonEmpty(env.QUORUM_PUBLIC_URL));
  set(['database', 'url'], overrides.databaseUrl ?? nonEmpty(env.DATABASE_URL));
  set(['log', 'level'], overrides.logLevel ?? nonEmpty(env.LOG_LEVEL));
  set(['upload', 'provider'], nonEmpty(env.QUORUM_UPLOAD_PROVIDER));
  set(['upload', 'sizeLimit'], intFromEnv(env, 'QUORUM_UPLOAD_SIZE_LIMIT'));
  set(['upload', 's3', 'bucket'], nonEmpty(env.QUORUM_S3_BUCKET));
  set(['upload', 's3', 'endpoint'], nonEmpty(env.QUORUM_S3_ENDPOINT));
  set(['upload', 's3', 'region'], nonEmpty(env.QUORUM_S3_REGION));

  const parsed = configFileSchema.safeParse(layered);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  const cfg: ConfigFile = parsed.data;

  // Node refuses to create a server whose headers may take longer than the whole request.
  const { requestTimeoutMs, headersTimeoutMs } = cfg.server;
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `${CONFIG_FILE_NAME}: server.headersTimeoutMs must not exceed server.requestTimeoutMs`,
    );
  }

  if (cfg.api.rest.defaultLimit > cfg.api.rest.maxLimit) {
    throw new ConfigError(`${CONFIG_FILE_NAME}: api.rest.defaultLimit must not exceed api.rest.maxLimit`);
  }

  // A claimed delivery may wait for one request to its target before its own: both fit in the claim.
  if (cfg.webhooks.claimTtlMs <= 2 * cfg.webhooks.timeoutMs) {
    throw new ConfigError(
      `${CONFIG_FILE_NAME}: webhooks.claimTtlMs must be more than twice webhooks.timeoutMs`,
    );
  }

  // Confirmation links point at this API, and only configuration may say where that is (a request's Host
  // header is the client's to choose). Refused here rather than at the first sign-up, whose account
  // could then never be confirmed.
  if (cfg.usersPermissions.emailConfirmation && !cfg.server.url) {
    throw new ConfigError(
      `${CONFIG_FILE_NAME}: usersPermissions.emailConfirmation needs server.url (or QUORUM_PUBLIC_URL), the public URL of this API that confirmation links point at`,
    );
  }

  if (cfg.upload.provider === 's3' && !cfg.upload.s3.bucket) {
    throw new ConfigError(`${CONFIG_FILE_NAME}: upload.s3.bucket is required with the s3 provider`);
  }

  const i18n = resolveLocales(cfg.i18n);
  const database = resolveDatabase(appDir, cfg.database);
  const adminEmail = nonEmpty(env.QUORUM_ADMIN_EMAIL);
  const adminPassword = nonEmpty(env.QUORUM_ADMIN_PASSWORD);
  refusePlaceholder('QUORUM_ADMIN_PASSWORD', adminPassword);
  refusePlaceholder('QUORUM_METRICS_TOKEN', nonEmpty(env.QUORUM_METRICS_TOKEN));
  if (database.kind === 'postgres')
    refusePlaceholder('the password in DATABASE_URL', urlPassword(database.url));

  const config: QuorumConfig = {
    appDir,
    server: cfg.server,
    database,
    api: cfg.api,
    auth: cfg.auth,
    usersPermissions: cfg.usersPermissions,
    rateLimit: cfg.rateLimit,
    bruteForce: cfg.bruteForce,
    email: cfg.email,
    security: cfg.security,
    cache: cfg.cache,
    cluster: cfg.cluster,
    scheduler: cfg.scheduler,
    webhooks: cfg.webhooks,
    upload: cfg.upload,
    i18n,
    log: cfg.log,
    seedFile: cfg.seed ? path.resolve(appDir, cfg.seed) : undefined,
    demo: cfg.demo,
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    redisUrl: nonEmpty(env.REDIS_URL),
    metricsToken: nonEmpty(env.QUORUM_METRICS_TOKEN),
    otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT),
  };
  return deepFreeze(config);
}

function readConfigFile(appDir: string): unknown {
  const file = path.join(appDir, CONFIG_FILE_NAME);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function resolveDatabase(appDir: string, file: ConfigFile['database']): QuorumConfig['database'] {
  const { url, pool, statementTimeoutMs } = file;
  const effective = url ?? `sqlite:${path.join(appDir, '.quorum', 'data.db')}`;
  if (effective.startsWith('postgres://') || effective.startsWith('postgresql://')) {
    return { kind: 'postgres' satisfies DatabaseKind, url: effective, pool, statementTimeoutMs };
  }
  if (effective.startsWith('sqlite:')) {
    const rest = effective.slice('sqlite:'.length);
    if (!rest) throw new ConfigError('DATABASE_URL: sqlite: needs a path, e.g. sqlite:./data.db');
    const sqlitePath = rest === ':memory:' ? rest : path.resolve(appDir, rest);
    return { kind: 'sqlite', url: `sqlite:${sqlitePath}`, sqlitePath, pool, statementTimeoutMs };
  }
  throw new ConfigError(
    'DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got a value of another scheme)',
  );
}

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined; // pg reports a URL it cannot use when it connects
  }
}

function intFromEnv(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a non-negative integer`);
  return Number(raw);
}

/**
 * QUORUM_TRUST_PROXY: `true`/`false`, or the proxies' addresses/CIDRs (comma-separated), as
 * server.trustProxy takes them; a Kubernetes ingress or compose file sets it without a config file.
 */
function trustProxyFromEnv(env: Env): boolean | string | undefined {
  const raw = nonEmpty(env.QUORUM_TRUST_PROXY);
  if (raw === undefined) return undefined;
  if (/^(true|1)$/i.test(raw)) return true;
  if (/^(false|0)$/i.test(raw)) return false;
  return raw;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function formatIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join('.') : '(root)';
    const extra = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
    return `  ${key}: ${issue.message}${extra}`;
  });
  return `Invalid configuration (${CONFIG_FILE_NAME}, environment or flags):\n${lines.join('\n')}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * `i18n`: the default is `defaultLocale`, or the entry marked `isDefault` (both may be given when they
 * agree), else `en`; a default the list does not name is added to it (as `en` "English (en)" is when
 * nothing is configured, Strapi's first-boot locale).
 */
function resolveLocales(section: ConfigFile['i18n']): QuorumConfig['i18n'] {
  const fail = (message: string) => new ConfigError(`${CONFIG_FILE_NAME}: i18n: ${message}`);
  const seen = new Set<string>();
  for (const locale of section.locales) {
    if (seen.has(locale.code)) throw fail(`locale "${locale.code}" is listed twice`);
    seen.add(locale.code);
  }
  const marked = section.locales.filter((locale) => locale.isDefault === true).map((l) => l.code);
  if (marked.length > 1) throw fail(`only one locale may be "isDefault" (${marked.join(', ')} are)`);
  if (section.defaultLocale && marked.length === 1 && marked[0] !== section.defaultLocale)
    throw fail(
      `defaultLocale is "${section.defaultLocale}" but the locale marked "isDefault" is "${marked[0]}"`,
    );
  const defaultLocale = section.defaultLocale ?? marked[0] ?? 'en';
  const locales = section.locales.map(({ code, name }) => (name === undefined ? { code } : { code, name }));
  if (!seen.has(defaultLocale))
    locales.unshift(defaultLocale === 'en' ? { code: 'en', name: 'English (en)' } : { code: defaultLocale });
  return { defaultLocale, locales };
}
