import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { SendResult } from './sender.js';

export interface BreakerOptions {
  readonly errorThresholdPercentage: number;
  readonly volumeThreshold: number;
  readonly resetTimeoutMs: number;
  readonly rollingWindowMs: number;
}

type Attempt = () => Promise<SendResult>;

/** A failed attempt, as a rejection so that opossum counts it. */
class AttemptFailed extends Error {
  constructor(readonly result: SendResult) {
    super(result.error ?? 'delivery failed');
  }
}

/**
 * One circuit breaker (opossum) per target origin, on this node. Failures within the rolling window
 * open it; while open, deliveries to that target are not attempted (the worker does not even claim
 * them); after resetTimeoutMs it lets one probe through (half-open), which closes it on success.
 */
export class TargetBreakers {
  readonly #breakers = new Map<string, CircuitBreaker<[Attempt], SendResult>>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly logger: Logger,
  ) {}

  /** Runs the attempt through the target's breaker; `rejected` when the circuit did not let it through. */
  async run(origin: string, attempt: Attempt): Promise<SendResult | 'rejected'> {
    try {
      return await this.#breaker(origin).fire(attempt);
    } catch (err) {
      if (err instanceof AttemptFailed) return err.result;
      if ((err as { code?: string }).code === 'EOPENBREAKER') return 'rejected';
      throw err;
    }
  }

  /** Open: no attempts now. */
  isOpen(origin: string): boolean {
    return this.#breakers.get(origin)?.opened === true;
  }

  /** Half-open: the next attempt is the probe. */
  isHalfOpen(origin: string): boolean {
    return this.#breakers.get(origin)?.halfOpen === true;
  }

  /** The circuit of a target (for the admin view and tests); `closed` when it has none yet. */
  state(origin: string): 'closed' | 'open' | 'halfOpen' {
    const breaker = this.#breakers.get(origin);
    return breaker?.opened ? 'open' : breaker?.halfOpen ? 'halfOpen' : 'closed';
  }

  /** Stops the breakers' timers (at shutdown). */
  shutdown(): void {
    for (const breaker of this.#breakers.values()) breaker.shutdown();
    this.#breakers.clear();
  }

  #breaker(origin: string): CircuitBreaker<[Attempt], SendResult> {
    let breaker = this.#breakers.get(origin);
    if (breaker) return breaker;
    const { errorThresholdPercentage, volumeThreshold, resetTimeoutMs, rollingWindowMs } = this.options;
    breaker = new CircuitBreaker(
      async (attempt: Attempt) => {
        const result = await attempt();
        if (!result.ok) throw new AttemptFailed(result);
        return result;
      },
      {
        // The attempt has its own timeout (AbortSignal); opossum's would leave the request running.
        timeout: false,
        errorThresholdPercentage,
        volumeThreshold,
        resetTimeout: resetTimeoutMs,
        rollingCountTimeout: rollingWindowMs,
        rollingCountBuckets: 10,
      },
    );
    // Only the origin is logged: a webhook URL may carry a token in its path or query.
    breaker.on('open', () => this.logger.warn({ target: origin }, 'webhook target circuit opened'));
    breaker.on('halfOpen', () =>
      this.logger.info({ target: origin }, 'webhook target circuit half-open: probing'),
    );
    breaker.on('close', () => this.logger.info({ target: origin }, 'webhook target circuit closed'));
    this.#breakers.set(origin, breaker);
    return breaker;
  }
}
