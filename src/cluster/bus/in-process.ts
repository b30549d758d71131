import type { Logger } from 'pino';
import { Subscribers } from './subscribers.js';
import type { Bus, BusMessage, PublishOptions } from './types.js';

/** The bus of a single process (embedded mode): delivery on the next turn of the event loop. */
export class InProcessBus implements Bus {
  readonly kind = 'in-process' as const;
  readonly #subscribers: Subscribers;

  constructor(
    private readonly nodeId: string,
    logger?: Logger,
  ) {
    this.#subscribers = new Subscribers(logger);
  }

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const message: BusMessage = {
      topic,
      payload,
      origin: this.nodeId,
      sentAt: Date.now(),
      requestId: options.requestId,
    };
    setImmediate(() => this.#subscribers.deliver(message));
  }

  subscribe<T>(topic: string, handler: (message: BusMessage<T>) => void): () => void {
    return this.#subscribers.add(topic, handler as (message: BusMessage) => void);
  }

  onReconnect(handler: () => void): () => void {
    return this.#subscribers.addReconnect(handler);
  }

  async close(): Promise<void> {}
}
