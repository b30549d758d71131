import { RateLimitError } from '../core/errors.js';

/**
 * A 429 that knows when the client may try again. The HTTP layer turns `retryAfterMs` into a
 * Retry-After header (http/security/index.ts); the body keeps Strapi's error shape.
 */
export class TooManyAttemptsError extends RateLimitError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }

  /** Whole seconds for Retry-After, never 0 (a client retrying at once would only be refused again). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
