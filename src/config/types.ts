import type { ConfigFile } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The resolved, validated, frozen configuration of one Quorum process. */
export interface QuorumConfig {
  /** Absolute path of the app directory. */
  readonly appDir: string;
  readonly server: Readonly<ConfigFile['server']>;
  readonly database: {
    readonly kind: DatabaseKind;
    /** Connection URL (`postgres://…`) or `sqlite:<absolute path>`. */
    readonly url: string;
    /** For SQLite: the file path (or `:memory:`). */
    readonly sqlitePath?: string;
    readonly pool: Readonly<ConfigFile['database']['pool']>;
    readonly statementTimeoutMs: number;
  };
  readonly api: { readonly rest: Readonly<ConfigFile['api']['rest']> };
  readonly auth: Readonly<ConfigFile['auth']>;
  readonly usersPermissions: Readonly<ConfigFile['usersPermissions']>;
  readonly rateLimit: Readonly<ConfigFile['rateLimit']>;
  readonly bruteForce: Readonly<ConfigFile['bruteForce']>;
  readonly email: Readonly<ConfigFile['email']>;
  readonly security: Readonly<ConfigFile['security']>;
  readonly cache: Readonly<ConfigFile['cache']>;
  readonly cluster: Readonly<ConfigFile['cluster']>;
  readonly scheduler: Readonly<ConfigFile['scheduler']>;
  readonly webhooks: Readonly<ConfigFile['webhooks']>;
  readonly upload: Readonly<ConfigFile['upload']>;
  /**
   * The configured locales (every code once, the default among them) and the default's code; seeded at
   * start (core/locales/store.ts seedLocales).
   */
  readonly i18n: {
    readonly defaultLocale: string;
    readonly locales: readonly { readonly code: string; readonly name?: string }[];
  };
  readonly log: Readonly<ConfigFile['log']>;
  readonly seedFile?: string;
  readonly demo: Readonly<ConfigFile['demo']>;
  readonly admin?: { readonly email: string; readonly password: string };
  readonly redisUrl?: string;
  readonly metricsToken?: string;
  readonly otlpEndpoint?: string;
}

/** CLI flags that override environment and file. */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  databaseUrl?: string;
  logLevel?: string;
}
