import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Subscribers } from './subscribers.js';
import { fromEnvelope, toEnvelope, type Bus, type BusMessage, type PublishOptions } from './types.js';

const CHANNEL = 'quorum:bus';

/**
 * Redis pub/sub, for large clusters that already run Redis. ioredis reconnects by itself; we subscribe
 * again on every `ready` and, when the subscriber connection comes back after a loss, run the reconnect
 * handlers once the subscription is confirmed. While Redis is down, publishing fails fast and is logged:
 * nodes fall back to re-reading state on their periodic checks.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly #subscribers: Subscribers;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  #wasReady = false;
  #lost = false;
  /** Counts lost connections, so a subscription confirmed after its connection closed is ignored. */
  #closes = 0;
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
      // Not ioredis's own resubscription: it sends SUBSCRIBE without handling a failure, so a
      // connection that drops again right after `ready` (with the offline queue off) ends in an
      // unhandled rejection, which kills the node. We resubscribe on `ready` ourselves, below.
      autoResubscribe: false,
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
      // The subscription died with the connection: the next `ready` subscribes again.
      this.#subscribed = undefined;
      this.#closes++;
      if (this.#wasReady && !this.#lost) {
        this.#lost = true;
        options.logger?.warn('bus connection lost (redis)');
      }
    });
    this.#subscriber.on('ready', () => {
      this.#wasReady = true;
      const closes = this.#closes;
      // Also the first subscription when Redis was down at start.
      this.#ensureSubscribed().then(
        () => {
          if (!this.#lost || closes !== this.#closes) return;
          this.#lost = false;
          options.logger?.info('bus reconnected (redis); resyncing');
          // Subscribed again, so nothing published from now on is missed: re-read what may have been.
          this.#subscribers.reconnected();
        },
        // Lost again before the subscription took: the next `ready` tries again.
        (err: Error) => options.logger?.debug({ err: err.message }, 'redis bus could not subscribe'),
      );
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
    await this.#ensureSubscribed();
  }

  #ensureSubscribed(): Promise<unknown> {
    if (this.#subscribed) return this.#subscribed;
    const subscribed: Promise<unknown> = this.#subscriber.subscribe(CHANNEL).catch((err: unknown) => {
      if (this.#subscribed === subscribed) this.#subscribed = undefined;
      throw err;
    });
    this.#subscribed = subscribed;
    return subscribed;
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
