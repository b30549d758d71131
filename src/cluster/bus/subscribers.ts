import type { Logger } from 'pino';
import type { BusMessage } from './types.js';

/** Topic → handlers, and reconnect handlers; a throwing handler is logged and never stops the others. */
export class Subscribers {
  readonly #topics = new Map<string, Set<(message: BusMessage) => void>>();
  readonly #reconnect = new Set<() => void>();

  constructor(private readonly logger?: Logger) {}

  add(topic: string, handler: (message: BusMessage) => void): () => void {
    let set = this.#topics.get(topic);
    if (!set) this.#topics.set(topic, (set = new Set()));
    set.add(handler);
    return () => set!.delete(handler);
  }

  addReconnect(handler: () => void): () => void {
    this.#reconnect.add(handler);
    return () => this.#reconnect.delete(handler);
  }

  deliver(message: BusMessage): void {
    for (const handler of this.#topics.get(message.topic) ?? []) {
      try {
        handler(message);
      } catch (err) {
        this.logger?.error({ err, topic: message.topic }, 'bus handler failed');
      }
    }
  }

  reconnected(): void {
    for (const handler of this.#reconnect) {
      try {
        handler();
      } catch (err) {
        this.logger?.error({ err }, 'bus reconnect handler failed');
      }
    }
  }
}
