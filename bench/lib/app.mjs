// The bench app: a temporary copy of examples/blog's content types, without its seed file and demo banner,
// with request logging off, on a fresh SQLite file. Its tables are created by Quorum's own schema sync.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO, importDist } from './paths.mjs';
import { runCommand } from './processes.mjs';

const BENCH_CONFIG = {
  // One access-log line per request would measure pino, not Quorum.
  log: { level: 'warn', requests: false },
  // Stopping a node between passes should not wait for a load balancer that is not there.
  server: { drainMs: 0 },
};

/**
 * Environment for every Quorum process of the bench: the app's own SQLite file and generated secret,
 * whatever the caller's shell says (a DATABASE_URL pointing at PostgreSQL would bench something else).
 */
export function quorumEnv() {
  const env = { ...process.env, LOG_LEVEL: 'warn', QUORUM_DRAIN_MS: '0' };
  for (const name of ['DATABASE_URL', 'PORT', 'HOST']) delete env[name];
  return env;
}

/** Creates the app directory and its empty schema; returns where everything lives. */
export async function prepareApp(label) {
  const dir = mkdtempSync(path.join(tmpdir(), `quorum-bench-${label}-`));
  // Content types and components (src/) and permissions (config/); not the seed file or the demo settings.
  for (const part of ['src', 'config']) {
    const from = path.join(REPO, 'examples/blog', part);
    if (existsSync(from)) cpSync(from, path.join(dir, part), { recursive: true });
  }
  const locale = process.env.BENCH_LOCALE;
  if (locale) localizeArticles(dir);
  const config = locale
    ? {
        ...BENCH_CONFIG,
        // The default locale too, so the seeding checks (verify.mjs) read the articles without `locale`.
        i18n: { locales: [{ code: locale, isDefault: true }, { code: 'en' }] },
      }
    : BENCH_CONFIG;
  writeFileSync(path.join(dir, 'quorum.config.json'), JSON.stringify(config, null, 2) + '\n');

  // Quorum's config loader and schema sync create exactly the tables a node would (and the registry),
  // and hand back the schema model: its column names and storage classes drive the bulk insert.
  const { loadConfig } = await importDist('config/index.js');
  const { openDatabase } = await importDist('node/database.js');
  const { createLogger } = await importDist('node/logger.js');
  const loaded = loadConfig({ appDir: dir, env: quorumEnv() });
  const logger = createLogger('warn');
  const { database, sync } = await openDatabase(loaded, logger);
  await database.close();
  logger.flush();
  return { dir, dbPath: loaded.database.sqlitePath, schema: sync.schema };
}

/** BENCH_LOCALE: the article type becomes localized, every attribute per locale (cases.mjs). */
function localizeArticles(dir) {
  const file = path.join(dir, 'src/api/article/content-types/article/schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  schema.pluginOptions = { ...schema.pluginOptions, i18n: { localized: true } };
  for (const attribute of Object.values(schema.attributes))
    attribute.pluginOptions = { ...attribute.pluginOptions, i18n: { localized: true } };
  writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
}

/** Creates an API token through the real CLI (stdout carries the token alone). */
export async function createToken(appDir, type) {
  const stdout = await runCommand(
    process.execPath,
    [
      path.join(REPO, 'bin/quorum.js'),
      'token',
      'create',
      '--type',
      type,
      '--name',
      `bench-${type}`,
      '--app',
      appDir,
    ],
    { env: quorumEnv() },
  );
  const token = stdout.trim();
  if (!/^\S+$/.test(token)) throw new Error(`quorum token create printed something unexpected: ${stdout}`);
  return token;
}
