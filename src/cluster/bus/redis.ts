import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Subscribers } from './subscribers.js';
import { fromEnvelope, toEnvelope, type Bus, type BusMessage, type PublishOptions } from './types.js';

const CHANNEL = 'quorum:bus';

/**
 * Redis pub/sub, for large clusters that already run Redis. ioredis reconnects and resubscribes by
 * itself; when the subscriber connection comes back after a loss, the reconnect handlers run. While
 * Redis is down, publishing fails fast and is logged: nodes fall back to re-reading state on their
 * periodic checks.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly #subscribers: Subscribers;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  #wasReady = false;
  #lost = false;
  #subscribed: Promise<unknown> | undefined;

  constructor(private readonly options: { url: string; nodeId: string; logger?: Logger }) {
    this.#subscribers = new Subscribers(options.logger);
    const common = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      enableOfflineQueue: false,
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    };
    this.#publisher = new Redis(options.url, { ...common, connectionName: `quorum-pub-${options.nodeId}` });
    this.#subscriber = new Redis(options.url, {
      ...common,
      connectionName: `quorum-sub-${options.nodeId}`,
      autoResubscribe: true,
    });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (err: Error) => options.logger?.debug({ err: err.message }, 'redis bus error'));
    }
    this.#subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== CHANNEL) return;
      const message = fromEnvelope(raw);
      if (message) this.#subscribers.deliver(message);
    });
    this.#subscriber.on('close', () => {
      if (this.#wasReady && !this.#lost) {
        this.#lost = true;
        options.logger?.warn('bus connection lost (redis)');
      }
    });
    this.#subscriber.on('ready', () => {
      // When Redis was down at start, the first subscription happens on the first ready.
      void this.#ensureSubscribed().catch(() => {});
      if (this.#lost) {
        this.#lost = false;
        options.logger?.info('bus reconnected (redis); resyncing');
        // ioredis resubscribes on ready; resync after that has happened.
        setImmediate(() => this.#subscribers.reconnected());
      }
      this.#wasReady = true;
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
    await this.#ensureSubscribed();
  }

  #ensureSubscribed(): Promise<unknown> {
    this.#subscribed ??= this.#subscriber.subscribe(CHANNEL).catch((err: unknown) => {
      this.#subscribed = undefined;
      throw err;
    });
    return this.#subscribed;
  }

  get connected(): boolean {
    return this.#subscriber.status === 'ready';
  }

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    await this.#publisher.publish(
      CHANNEL,
      toEnvelope(this.options.nodeId, topic, payload, options.requestId),
    );
  }

  subscribe<T>(topic: string, handler: (message: BusMessage<T>) => void): () => void {
    return this.#subscribers.add(topic, handler as (message: BusMessage) => void);
  }

  onReconnect(handler: () => void): () => void {
    return this.#subscribers.addReconnect(handler);
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
  }
}
