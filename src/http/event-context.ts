import type { FastifyRequest } from 'fastify';
import type { EventContext } from '../core/documents/events.js';
import { currentTraceparent, validTraceparent } from '../observability/trace-context.js';

/**
 * The request behind a write, for its outbox events (webhook deliveries carry its id and trace): with
 * tracing on, the span serving this request; otherwise the caller's own `traceparent` (when valid), as
 * it came.
 */
export function eventContext(request: FastifyRequest): EventContext {
  const traceparent = currentTraceparent() ?? validTraceparent(request.headers.traceparent);
  return { requestId: request.id, traceparent };
}
