import { z } from 'zod';
import { QUORUM_VERSION } from '../lib/version.js';

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
    /**
     * A request's headers and body must have arrived within this, or it is answered 408 and its
     * socket closed (a body that never finishes). Uploads count: raise it for large files over slow
     * links. 0: no limit.
     */
    requestTimeoutMs: z.number().int().min(0).default(120_000),
    /** A request's headers must have arrived within this (408, socket closed). */
    headersTimeoutMs: z.number().int().min(1).default(20_000),
    /** A socket that carries nothing either way for this long is closed (stalled clients). 0: never. */
    idleTimeoutMs: z.number().int().min(0).default(60_000),
    /** How long a kept-alive connection waits for its next request; above the balancer's idle timeout. */
    keepAliveTimeoutMs: z.number().int().min(1).default(72_000),
    /**
     * The public URL clients reach this API at (Strapi's `server.url`), e.g. https://cms.example.com.
     * Links in emails are built from it, never from a request's Host header, which the client chooses.
     */
    url: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
      .refine((value) => !/[?#]/.test(value), 'must not carry a query or a fragment')
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  })
  .prefault({});

const database = z
  .strictObject({
    url: z.string().min(1).optional(),
    pool: z.strictObject({ max: z.number().int().min(1).max(1000).default(10) }).prefault({}),
    /**
     * Longest a single statement may run before the database stops it (the request then answers 503),
     * on both databases; 0: no limit. Schema changes and migrations are exempt.
     */
    statementTimeoutMs: z.number().int().min(0).default(5000),
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
    /**
     * How long a pagination total may be reused when no write was announced meanwhile (writes on any node
     * retire cached totals at once; this bounds staleness if an announcement is missed). 0 disables it.
     */
    countCacheTtlMs: z.number().int().min(0).default(2000),
    /** Deepest JSON nesting accepted in a request body; deeper bodies are a 400, not a stack overflow. */
    maxJsonDepth: z.number().int().min(4).max(1000).default(64),
    /**
     * Most relations and components one path may cross in filters, sort and populate
     * (`filters[author][articles][title]` crosses 2); deeper paths are a 400.
     */
    maxDepth: z.number().int().min(1).max(50).default(10),
    /**
     * Most relations and components the filters of one query, or its sort, may cross in total: each
     * crossing costs work for every row read. More is a 400.
     */
    maxRelationHops: z.number().int().min(1).max(500).default(20),
    /** Most related documents and component entries one read may populate; more is a 400. */
    maxPopulatedDocuments: z.number().int().min(1).default(5_000),
  })
  .prefault({});

const duration = z.union([
  z.string().regex(/^\d+\s*(s|m|h|d|w)$/, 'must look like 30m, 12h or 30d'),
  z.number().int().positive(),
]);

const auth = z
  .strictObject({
    /** How long a node trusts a verified API token before asking the database again (bounds revocation lag). */
    tokenCacheTtlMs: z.number().int().min(0).default(5000),
    /** How long a node trusts its copy of roles, permissions and users' blocked state. */
    permissionCacheTtlMs: z.number().int().min(0).default(5000),
    jwt: z
      .strictObject({
        /** Lifetime of end-user JWTs (Strapi's default is 30 days). */
        expiresIn: duration.default('30d'),
        /** Signing-key version: raise it to rotate, and list old versions in acceptedKeyVersions meanwhile. */
        keyVersion: z.number().int().min(1).default(1),
        acceptedKeyVersions: z.array(z.number().int().min(1)).default([]),
      })
      .prefault({}),
    admin: z
      .strictObject({
        accessTokenExpiresIn: duration.default('30m'),
        refreshTokenDays: z.number().int().min(1).max(365).default(30),
      })
      .prefault({}),
  })
  .prefault({});

const usersPermissions = z
  .strictObject({
    register: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Extra user attributes a registration body may set (Strapi's register.allowedFields). */
        allowedFields: z.array(z.string()).default([]),
      })
      .prefault({}),
    /** Require email confirmation before users can log in. */
    emailConfirmation: z.boolean().default(false),
    /** Where /api/auth/email-confirmation redirects after confirming. */
    emailConfirmationRedirect: z.string().default('/'),
    /** The page of your frontend that receives ?code=… from the reset-password email. */
    resetPasswordUrl: z.string().default('http://localhost:3000/reset-password'),
  })
  .prefault({});

const rateLimit = z
  .strictObject({
    /** Requests per window per client address on each authentication route (login, register, …). */
    auth: z
      .strictObject({
        max: z.number().int().min(1).default(10),
        windowMs: z.number().int().min(1000).default(60_000),
      })
      .prefault({}),
  })
  .prefault({});

const bruteForce = z
  .strictObject({
    /** Failed logins per identifier (or per address) within the window before a lock-out. */
    maxFailures: z.number().int().min(1).default(5),
    windowMs: z
      .number()
      .int()
      .min(1000)
      .default(15 * 60_000),
    /** First lock-out; each further one doubles, up to a day. */
    lockMs: z.number().int().min(1000).default(60_000),
  })
  .prefault({});

const email = z
  .strictObject({
    /** none: emails are not sent; file: written as .eml files to `dir` (development); smtp: sent. */
    provider: z.enum(['none', 'file', 'smtp']).default('none'),
    from: z.string().default('Quorum <no-reply@localhost>'),
    dir: z.string().default('.quorum/mail'),
    /** Emails are queued in the outbox and sent by a worker on each node: how often it looks for them. */
    pollMs: z.number().int().min(10).default(1_000),
    /** A failed send is retried after a random wait of up to min(maxMs, baseMs · 2^attempt). */
    backoff: z
      .strictObject({
        baseMs: z.number().int().min(1).default(2_000),
        maxMs: z.number().int().min(1).default(300_000),
      })
      .prefault({}),
    /** A message still not sent this long after it was queued is given up (marked failed, logged as dead). */
    maxAgeMs: z
      .number()
      .int()
      .min(1)
      .default(6 * 3600_000),
    smtp: z
      .strictObject({
        host: z.string().default('localhost'),
        port: z.number().int().default(587),
        secure: z.boolean().default(false),
        user: z.string().optional(),
        password: z.string().optional(),
      })
      .prefault({}),
  })
  .prefault({});

const security = z
  .strictObject({
    cors: z
      .strictObject({
        /** true (any origin, the default, as Strapi), false, or a list of allowed origins. */
        origin: z.union([z.boolean(), z.array(z.string())]).default(true),
        credentials: z.boolean().default(false),
      })
      .prefault({}),
    /** Strict-Transport-Security: turn on only when every client reaches Quorum over HTTPS. */
    hsts: z
      .strictObject({
        enabled: z.boolean().default(false),
        maxAge: z.number().int().min(0).default(31_536_000),
        includeSubDomains: z.boolean().default(false),
      })
      .prefault({}),
  })
  .prefault({});

const log = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** One access-log line per request at info level. */
    requests: z.boolean().default(true),
  })
  .prefault({});

const cache = z
  .strictObject({
    /** Content-API read answers kept in each node's memory (see README, "Response cache"). */
    responses: z
      .strictObject({
        /**
         * Default: on with SQLite (one node: every write retires what it affects before it answers), off
         * with PostgreSQL, where another node's write reaches this node's cache through the bus.
         */
        enabled: z.boolean().optional(),
        /** Longest an answer is kept; bounds staleness when a change announcement is lost. */
        ttlMs: z.number().int().min(1).default(60_000),
        /** Memory the cached answers may hold on a node, in megabytes. */
        maxMb: z.number().min(1).max(65_536).default(32),
      })
      .prefault({}),
  })
  .prefault({});

const cluster = z
  .strictObject({
    /** Leader lease lifetime: the longest a dead leader holds up singleton work. */
    leaseTtlMs: z.number().int().min(300).default(10_000),
    /** How often each node writes its heartbeat, and after how long without one it counts as dead. */
    heartbeatMs: z.number().int().min(100).default(5_000),
    nodeTtlMs: z.number().int().min(300).default(15_000),
    /** How often a node re-reads versions (schema, permissions) in case it missed a bus message. */
    resyncMs: z.number().int().min(100).default(5_000),
  })
  .prefault({});

const scheduler = z
  .strictObject({
    /** How often the leader looks for due scheduled publications and cron tasks. */
    pollMs: z.number().int().min(50).default(1_000),
    /**
     * Cron due times missed while no leader ran (leader change, full outage): `all` runs each (up to
     * maxCatchUp), `latest` only the most recent, `none` skips them.
     */
    catchUp: z.enum(['all', 'latest', 'none']).default('all'),
    maxCatchUp: z.number().int().min(1).default(100),
  })
  .prefault({});

const webhooks = z
  .strictObject({
    /** How often each node looks for new outbox events and due deliveries (local writes wake it at once). */
    pollMs: z.number().int().min(10).default(1_000),
    /** Events fanned out, and deliveries claimed, per pass. */
    batchSize: z.number().int().min(1).max(1000).default(100),
    /** How long a node's claim on a delivery lasts: a crashed node's deliveries are retried after it. */
    claimTtlMs: z.number().int().min(1000).default(60_000),
    /** Retries stop this long after the event (or the replay): the delivery becomes a dead letter. */
    maxAgeMs: z
      .number()
      .int()
      .min(1)
      .default(24 * 3600_000),
    /** Exponential backoff with full jitter between attempts. */
    backoff: z
      .strictObject({
        baseMs: z.number().int().min(1).default(1_000),
        maxMs: z.number().int().min(1).default(3600_000),
      })
      .prefault({}),
    /** Per-request timeout (Strapi's is 10 s). */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Requests in flight to one target (origin) from one node. */
    concurrency: z.number().int().min(1).max(100).default(5),
    /** Per target origin, on each node (opossum). */
    circuitBreaker: z
      .strictObject({
        /** Failure rate (%) within the rolling window that opens the circuit. */
        errorThresholdPercentage: z.number().min(1).max(100).default(50),
        /** Requests within the window before the rate counts. */
        volumeThreshold: z.number().int().min(1).default(10),
        /** How long the circuit stays open before one probe (half-open). */
        resetTimeoutMs: z.number().int().min(100).default(30_000),
        rollingWindowMs: z.number().int().min(100).default(10_000),
      })
      .prefault({}),
    /** Processed events and finished deliveries are pruned by the leader after this many days. */
    retentionDays: z.number().min(0).default(7),
    /** Headers sent with every delivery (a webhook's own headers override them), as in Strapi. */
    defaultHeaders: z.record(z.string(), z.string()).default({}),
    /** The User-Agent of deliveries (a default or webhook header of that name replaces it). */
    userAgent: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^\r\n\0]*$/, 'must not contain line breaks')
      .default(`Quorum/${QUORUM_VERSION}`),
    /** How long a stopping node waits for deliveries in flight. */
    stopTimeoutMs: z.number().int().min(0).default(5_000),
  })
  .prefault({});

const upload = z
  .strictObject({
    /**
     * Where file bytes live: `local` (a folder, the default on SQLite), `database` (chunks in the
     * database, the default on PostgreSQL: every node serves every file, no shared disk), `s3`.
     */
    provider: z.enum(['local', 'database', 's3']).optional(),
    /** Largest file accepted, in bytes (413 PayloadTooLargeError beyond). */
    sizeLimit: z
      .number()
      .int()
      .min(1)
      .default(200 * 1024 * 1024),
    /** Files per upload request. */
    maxFiles: z.number().int().min(1).max(1000).default(20),
    /** Responsive formats (name → largest width/height in pixels); the thumbnail (245×156) is always made. */
    breakpoints: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lowercase name'), z.number().int().min(1))
      .default({ large: 1000, medium: 750, small: 500 }),
    /** Images processed (decoded, resized) at once on a node; more wait their turn. */
    imageConcurrency: z.number().int().min(1).max(64).default(2),
    /** Images with more pixels than this are stored without metadata or formats (decompression bombs). */
    maxImagePixels: z.number().int().min(1).default(100_000_000),
    /** Files never attached to an entry are removed by the leader once older than this. 0 disables the cleanup. */
    orphanGraceMs: z
      .number()
      .int()
      .min(0)
      .default(24 * 3600_000),
    /** How often the leader looks for orphaned files. */
    orphanSweepMs: z
      .number()
      .int()
      .min(1000)
      .default(60 * 60_000),
    /** Folder of the local provider, relative to the app directory. */
    local: z.strictObject({ folder: z.string().min(1).default('public/uploads') }).prefault({}),
    /** Size of the rows the database provider stores a file in, in bytes. */
    database: z
      .strictObject({
        chunkSize: z
          .number()
          .int()
          .min(16 * 1024)
          .max(8 * 1024 * 1024)
          .default(256 * 1024),
      })
      .prefault({}),
    s3: z
      .strictObject({
        bucket: z.string().min(1).optional(),
        region: z.string().min(1).default('us-east-1'),
        /** For S3-compatible services (MinIO, R2, …); AWS when absent. */
        endpoint: z.string().url().optional(),
        forcePathStyle: z.boolean().default(false),
        accessKeyId: z.string().optional(),
        secretAccessKey: z.string().optional(),
        /** Key prefix inside the bucket. */
        prefix: z.string().default(''),
        /**
         * `public`: files' URLs point at the bucket (or `baseUrl`); `signed`: URLs go through this API
         * (`/uploads/…`), which redirects to a short-lived signed URL.
         */
        access: z.enum(['public', 'signed']).default('public'),
        /** Public base URL of the bucket (a CDN); default: the endpoint and bucket. */
        baseUrl: z.string().url().optional(),
        signedUrlTtlSeconds: z.number().int().min(1).max(604_800).default(900),
      })
      .prefault({}),
  })
  .prefault({});

/** A code as Strapi's locales spell it (BCP 47 shape; whether Strapi knows it is checked at start). */
const localeCode = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a locale code such as en, fr or fr-CA')
  .max(35);

const i18n = z
  .strictObject({
    /** The default locale's code; may instead be marked by `"isDefault": true` on one entry. */
    defaultLocale: localeCode.optional(),
    /** The locales seeded at start (entries like Strapi's locales). */
    locales: z
      .array(
        z.strictObject({
          code: localeCode,
          name: z.string().min(1).max(50).optional(),
          isDefault: z.boolean().optional(),
        }),
      )
      .default([]),
  })
  .prefault({});

const demo = z
  .strictObject({
    /** Print where the node serves and a curl command to try at start (demo apps). */
    banner: z.boolean().default(false),
    /** Also create and print a fresh read-only API token for the curl command (demo apps only). */
    printReadOnlyToken: z.boolean().default(false),
  })
  .prefault({});

export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  server,
  database,
  api: z.strictObject({ rest }).prefault({}),
  auth,
  usersPermissions,
  rateLimit,
  bruteForce,
  email,
  security,
  cache,
  cluster,
  scheduler,
  webhooks,
  upload,
  i18n,
  log,
  /** A JSON file (relative to the app directory) loaded once into an empty database. */
  seed: z.string().min(1).optional(),
  demo,
});

export type ConfigFile = z.infer<typeof configFileSchema>;
