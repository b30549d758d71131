import { z } from 'zod';

// The shape of quorum.config.json. Every key has a default so an app directory needs no file at all.
// Strict objects: a misspelt key is an error that names it, not a silently ignored setting.

const server = z
  .strictObject({
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(1337),
    /** Largest request body accepted, in bytes (413 beyond). */
    bodyLimit: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** How long a node keeps serving after SIGTERM while the balancer notices /readyz is red. */
    drainMs: z.number().int().min(0).default(5000),
    /** true, or a comma-separated list of trusted proxy addresses/CIDRs for X-Forwarded-*. */
    trustProxy: z.union([z.boolean(), z.string()]).default(false),
  })
  .prefault({});

const database = z
  .strictObject({
    url: z.string().min(1).optional(),
    pool: z.strictObject({ max: z.number().int().min(1).max(1000).default(10) }).prefault({}),
  })
  .prefault({});

const rest = z
  .strictObject({
    prefix: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'must look like /api')
      .default('/api'),
    defaultLimit: z.number().int().min(1).default(25),
    maxLimit: z.number().int().min(1).default(100),
    withCount: z.boolean().default(true),
    /** Deepest JSON nesting accepted in a request body; deeper bodies are a 400, not a stack overflow. */
    maxJsonDepth: z.number().int().min(4).max(1000).default(64),
  })
  .prefault({});

const auth = z
  .strictObject({
    /** How long a node trusts a verified API token before asking the database again (bounds revocation lag). */
    tokenCacheTtlMs: z.number().int().min(0).default(5000),
  })
  .prefault({});

const log = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** One access-log line per request at info level. */
    requests: z.boolean().default(true),
  })
  .prefault({});

const demo = z
  .strictObject({
    /** Print a fresh read-only API token and a curl command at start (demo apps only). */
    printReadOnlyToken: z.boolean().default(false),
  })
  .prefault({});

export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  server,
  database,
  api: z.strictObject({ rest }).prefault({}),
  auth,
  log,
  /** A JSON file (relative to the app directory) loaded once into an empty database. */
  seed: z.string().min(1).optional(),
  demo,
});

export type ConfigFile = z.infer<typeof configFileSchema>;
