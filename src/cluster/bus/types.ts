import type { Executor } from '../../db/types.js';

/** A message on the bus. Delivery is at most once: receivers must be able to resync from the database. */
export interface BusMessage<T = unknown> {
  readonly topic: string;
  readonly payload: T;
  /** The node that published it (a node receives its own messages too). */
  readonly origin: string;
  /** Publication time (ms since epoch, publisher's clock): for latency measurements only. */
  readonly sentAt: number;
  /** The request that caused it, for log correlation. */
  readonly requestId?: string;
}

export type BusKind = 'in-process' | 'postgres' | 'redis';

export interface PublishOptions {
  readonly requestId?: string;
  /**
   * Publish as part of this transaction: on PostgreSQL the notification is delivered only if it commits.
   * Other buses publish at once (call them after the commit).
   */
  readonly trx?: Executor;
}

/**
 * Carries invalidations and change announcements between the nodes of a cluster. Small interface, three
 * implementations (in-process, PostgreSQL LISTEN/NOTIFY, Redis pub/sub), picked by createBus from config.
 */
export interface Bus {
  readonly kind: BusKind;
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<void>;
  subscribe<T = unknown>(topic: string, handler: (message: BusMessage<T>) => void): () => void;
  /**
   * Called after the bus lost its connection and got it back: messages may have been missed, so each
   * subscriber re-reads what it depends on (schema version, permissions, cache generations).
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

/** The wire form shared by the networked buses. */
export interface Envelope {
  t: string;
  p: unknown;
  o: string;
  s: number;
  r?: string;
}

export function toEnvelope(origin: string, topic: string, payload: unknown, requestId?: string): string {
  const envelope: Envelope = {
    t: topic,
    p: payload,
    o: origin,
    s: Date.now(),
    ...(requestId ? { r: requestId } : {}),
  };
  return JSON.stringify(envelope);
}

export function fromEnvelope(raw: string): BusMessage | undefined {
  try {
    const e = JSON.parse(raw) as Envelope;
    if (typeof e?.t !== 'string' || typeof e.o !== 'string') return undefined;
    return { topic: e.t, payload: e.p, origin: e.o, sentAt: Number(e.s), requestId: e.r };
  } catch {
    return undefined;
  }
}
