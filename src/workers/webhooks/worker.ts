import type { Logger } from 'pino';
import { backoff } from '../../cluster/backoff.js';
import type { QuorumConfig } from '../../config/index.js';
import { Pump } from '../outbox/pump.js';
import type { TargetBreakers } from './breakers.js';
import type { ClaimedDelivery, DeliveryQueries } from './deliveries.js';
import { openHeaders } from '../../webhooks/headers.js';
import type { SecretBox } from '../../webhooks/secrets.js';
import { sendDelivery, type SendResult } from './sender.js';

// How often a node looks for expired claims (a dead node's deliveries) and expired deliveries.
const SWEEP_EVERY_MS = 2_000;
// After a half-open circuit refused an attempt (its probe is in flight): look again shortly.
const REJECTED_RETRY_MS = 1_000;

interface Target {
  active: number;
  readonly waiting: ClaimedDelivery[];
  readonly webhooks: Set<number>;
}

/**
 * Delivery worker, one per node: claims due deliveries, sends them with at most `concurrency` requests
 * in flight per target origin, records each outcome, and retries failures with exponential backoff and
 * full jitter until their max age. It claims only what it can start soon (at most one extra round
 * waiting per target), so a claim does not expire while it waits; targets whose circuit is open, or
 * whose queue is full, are left out of the claim for other nodes or later passes.
 */
export class DeliveryWorker {
  readonly #pump: Pump;
  readonly #targets = new Map<string, Target>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #held = 0;
  #claims = 0;
  #lastSweep = 0;
  #stopping = false;

  constructor(
    private readonly deps: {
      queries: DeliveryQueries;
      breakers: TargetBreakers;
      box: SecretBox;
      nodeId: string;
      config: QuorumConfig['webhooks'];
      logger: Logger;
    },
  ) {
    this.#pump = new Pump(
      () => this.pass(),
      deps.config.pollMs,
      (err) => deps.logger.warn({ err: (err as Error).message }, 'webhook delivery pass failed'),
    );
  }

  start(): void {
    this.#pump.start();
  }

  /** Looks for due deliveries now (after a fan-out committed, or a delivery finished). */
  wake(): void {
    this.#pump.wake();
  }

  /** This node's circuit for a target origin. */
  circuit(origin: string): 'closed' | 'open' | 'halfOpen' {
    return this.deps.breakers.state(origin);
  }

  /** One pass (exposed for tests); true when it claimed a full batch (there may be more). */
  async pass(): Promise<boolean> {
    if (this.#stopping) return false;
    const { queries, config } = this.deps;
    if (Date.now() - this.#lastSweep > SWEEP_EVERY_MS) {
      this.#lastSweep = Date.now();
      if ((await queries.reclaimExpired()) > 0) this.#pump.wake();
      await queries.expire();
    }
    const room = config.batchSize - this.#held;
    const { exclude, open } = this.#unavailable();
    // Claim about two rounds for each target with room (one for a target not seen yet).
    const limit = Math.min(room, 2 * config.concurrency * (open + 1));
    if (limit <= 0) return false;
    const claimed = await queries.claim({
      claim: `${this.deps.nodeId}#${++this.#claims}`,
      ttlMs: config.claimTtlMs,
      limit,
      excludeWebhooks: exclude,
    });
    for (const delivery of claimed) this.#enqueue(delivery);
    return claimed.length === limit;
  }

  /** Webhooks not to claim for now, and how many known targets can take more. */
  #unavailable(): { exclude: number[]; open: number } {
    const exclude: number[] = [];
    let open = 0;
    for (const [origin, target] of this.#targets) {
      const busy = target.waiting.length >= this.deps.config.concurrency;
      const probing = this.deps.breakers.isHalfOpen(origin) && target.active > 0;
      if (busy || probing || this.deps.breakers.isOpen(origin)) exclude.push(...target.webhooks);
      else open++;
    }
    return { exclude, open };
  }

  #enqueue(delivery: ClaimedDelivery): void {
    let origin: string;
    try {
      origin = new URL(delivery.url).origin;
    } catch {
      origin = 'invalid:';
    }
    let target = this.#targets.get(origin);
    if (!target) {
      target = { active: 0, waiting: [], webhooks: new Set() };
      this.#targets.set(origin, target);
    }
    target.webhooks.add(delivery.webhookId);
    target.waiting.push(delivery);
    this.#held++;
    this.#drain(origin, target);
  }

  #drain(origin: string, target: Target): void {
    while (target.active < this.deps.config.concurrency && target.waiting.length > 0) {
      const delivery = target.waiting.shift()!;
      target.active++;
      const run = this.#deliver(origin, delivery)
        .catch((err: Error) =>
          this.deps.logger.warn(
            { err: err.message, deliveryId: delivery.id },
            'could not record a delivery outcome',
          ),
        )
        .finally(() => {
          target.active--;
          this.#held--;
          this.#inFlight.delete(run);
          this.#drain(origin, target);
          // The next delivery of the same document may be due now, and there is room to claim.
          this.#pump.wake();
        });
      this.#inFlight.add(run);
    }
  }

  async #deliver(origin: string, delivery: ClaimedDelivery): Promise<void> {
    const { queries, breakers, box, config, logger } = this.deps;
    if (this.#stopping) return queries.release(delivery, 0);
    let secret: string;
    let headers: Record<string, string>;
    try {
      secret = box.open(delivery.sealedSecret);
      headers = openHeaders(box, delivery.plainHeaders, delivery.sealedHeaders);
    } catch {
      // QUORUM_SECRET changed: no node with this secret can sign it; keep it for one that can.
      logger.error(
        { webhookId: delivery.webhookId },
        'cannot decrypt a webhook secret or its headers (was QUORUM_SECRET changed?)',
      );
      return queries.release(delivery, config.claimTtlMs);
    }
    const outcome = await breakers.run(origin, () =>
      sendDelivery(delivery, secret, {
        headers,
        timeoutMs: config.timeoutMs,
        defaultHeaders: config.defaultHeaders,
        userAgent: config.userAgent,
        signal: this.#abort.signal,
      }),
    );
    if (outcome === 'rejected') return queries.release(delivery, REJECTED_RETRY_MS);
    if (this.#abort.signal.aborted && !outcome.ok) return queries.release(delivery, 0);
    await this.#record(delivery, outcome);
  }

  async #record(delivery: ClaimedDelivery, outcome: SendResult): Promise<void> {
    const { queries, config, logger } = this.deps;
    const result = { statusCode: outcome.statusCode, error: outcome.error, latencyMs: outcome.latencyMs };
    if (outcome.ok) return queries.delivered(delivery, result);
    const delay = backoff(delivery.attempts, config.backoff);
    const status = await queries.failed(delivery, result, delay);
    if (status === 'dead')
      logger.warn(
        {
          deliveryId: delivery.id,
          webhookId: delivery.webhookId,
          attempts: delivery.attempts + 1,
          err: outcome.error,
        },
        'webhook delivery dead-lettered after its max age',
      );
  }

  /**
   * Stops claiming, gives back what has not started, waits up to stopTimeoutMs for requests in flight,
   * then aborts the rest (they are given back too, and sent again by another node: at least once).
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#pump.stop();
    const waiting = [...this.#targets.values()].flatMap((target) => target.waiting.splice(0));
    this.#held -= waiting.length;
    await Promise.allSettled(waiting.map((delivery) => this.deps.queries.release(delivery, 0)));
    const settled = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(true), this.deps.config.stopTimeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#abort.abort();
      await settled;
    }
    this.deps.breakers.shutdown();
  }
}
