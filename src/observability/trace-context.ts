import { context, propagation } from '@opentelemetry/api';

/**
 * The W3C `traceparent` of the span running now, when tracing is on (undefined when it is off: the
 * API's no-op propagator injects nothing, at the cost of two function calls). Stored with outbox events
 * so a webhook delivery continues the trace of the request that caused it.
 */
export function currentTraceparent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** A caller's `traceparent` header when it is a valid W3C one (version 00 layout, non-zero ids). */
export function validTraceparent(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header);
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]) || /^0+$/.test(match[3])) return undefined;
  return header;
}
