import pg from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Executor } from '../../db/types.js';
import { backoff } from '../backoff.js';
import { Subscribers } from './subscribers.js';
import { fromEnvelope, toEnvelope, type Bus, type BusMessage, type PublishOptions } from './types.js';

const CHANNEL = 'quorum_bus';
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD = 7900;
const HEALTH_CHECK_MS = 10_000;

/**
 * The listening connection's application_name, so pg_stat_activity shows whose it is (an operator
 * or a test can find, and cut, one node's listener). PostgreSQL keeps 63 bytes of ASCII: the end of
 * the node id (pid and random suffix) tells nodes apart, so a long host name is cut from the front.
 */
export function listenerName(nodeId: string): string {
  const name = `quorum-bus ${nodeId}`;
  return name.length <= 63 ? name : `quorum-bus ...${nodeId.slice(-(63 - 'quorum-bus ...'.length))}`;
}

/**
 * PostgreSQL LISTEN/NOTIFY: no extra service for a cluster on PostgreSQL. One dedicated connection
 * listens; publishing goes through the pool (or the caller's transaction, so the message is sent only
 * if the change commits). A lost listening connection is re-established with backoff, then the
 * reconnect handlers run, because NOTIFYs sent meanwhile are gone.
 */
export class PostgresBus implements Bus {
  readonly kind = 'postgres' as const;
  readonly #subscribers: Subscribers;
  #client: pg.Client | undefined;
  #closed = false;
  #connected = false;
  #attempt = 0;
  #health: NodeJS.Timeout | undefined;
  #reconnecting: Promise<void> | undefined;

  constructor(private readonly options: { url: string; db: Executor; nodeId: string; logger?: Logger }) {
    this.#subscribers = new Subscribers(options.logger);
  }

  /** Connects the listening connection (retrying until it works or the bus is closed). */
  async start(): Promise<void> {
    await this.#connect(false);
    this.#health = setInterval(() => void this.#checkHealth(), HEALTH_CHECK_MS).unref();
  }

  async #connect(isReconnect: boolean): Promise<void> {
    while (!this.#closed) {
      const client = new pg.Client({
        connectionString: this.options.url,
        connectionTimeoutMillis: 5000,
        keepAlive: true,
        application_name: listenerName(this.options.nodeId),
      });
      client.on('error', (err) => this.#lost(client, err));
      client.on('end', () => this.#lost(client, new Error('connection ended')));
      client.on('notification', (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        const message = fromEnvelope(n.payload);
        if (message) this.#subscribers.deliver(message);
      });
      try {
        await client.connect();
        await client.query(`listen ${CHANNEL}`);
        this.#client = client;
        this.#connected = true;
        this.#attempt = 0;
        if (isReconnect) {
          this.options.logger?.info('bus reconnected (postgres); resyncing');
          this.#subscribers.reconnected();
        }
        return;
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        const wait = backoff(++this.#attempt, { baseMs: 200, maxMs: 5000 });
        this.options.logger?.warn(
          { err: (err as Error).message, retryInMs: wait },
          'bus connection failed (postgres)',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  #lost(client: pg.Client, err: Error): void {
    if (client !== this.#client || this.#closed) return;
    this.#connected = false;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.options.logger?.warn({ err: err.message }, 'bus connection lost (postgres)');
    if (this.#reconnecting) return;
    this.#reconnecting = this.#connect(true).finally(() => (this.#reconnecting = undefined));
  }

  /** A silently dead connection (a middlebox dropped it) shows up here rather than never. */
  async #checkHealth(): Promise<void> {
    const client = this.#client;
    if (!client || !this.#connected) return;
    try {
      await Promise.race([
        client.query('select 1'),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('health check timed out')), 5000).unref(),
        ),
      ]);
    } catch (err) {
      this.#lost(client, err as Error);
    }
  }

  get connected(): boolean {
    return this.#connected;
  }

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const text = toEnvelope(this.options.nodeId, topic, payload, options.requestId);
    if (Buffer.byteLength(text) > MAX_PAYLOAD)
      throw new Error(`bus message on ${topic} is too large for NOTIFY`);
    await sql`select pg_notify(${CHANNEL}, ${text})`.execute(options.trx ?? this.options.db);
  }

  subscribe<T>(topic: string, handler: (message: BusMessage<T>) => void): () => void {
    return this.#subscribers.add(topic, handler as (message: BusMessage) => void);
  }

  onReconnect(handler: () => void): () => void {
    return this.#subscribers.addReconnect(handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#health) clearInterval(this.#health);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
