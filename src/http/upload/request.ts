import type { FastifyRequest } from 'fastify';
import type { EventContext } from '../../core/documents/events.js';
import { NotFoundError } from '../../core/errors.js';
import { currentTraceparent, validTraceparent } from '../../observability/trace-context.js';

/** A file's numeric id (Strapi addresses files by id); anything else names no file. */
export function fileId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,14}$/.test(raw)) throw new NotFoundError('file.notFound');
  return Number(raw);
}

/** What the `media.*` outbox events carry about the request that caused them. */
export function eventContext(request: FastifyRequest): EventContext {
  return {
    requestId: request.id,
    traceparent: currentTraceparent() ?? validTraceparent(request.headers.traceparent),
  };
}
