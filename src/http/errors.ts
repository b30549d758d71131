import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApplicationError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/errors.js';
import { DbError, translateDbError } from '../db/errors.js';

export interface ErrorBody {
  data: null;
  error: { status: number; name: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(error: ApplicationError): ErrorBody {
  return {
    data: null,
    error: { status: error.status, name: error.name, message: error.message, details: error.details },
  };
}

const INTERNAL: ErrorBody = {
  data: null,
  error: { status: 500, name: 'InternalServerError', message: 'Internal Server Error' },
};

/** Every error leaves in Strapi's shape; anything unexpected is a logged 500 with no detail for the client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = toApplicationError(err);
    if (known) {
      if (known instanceof MethodNotAllowedError) reply.header('allow', known.allow.join(', '));
      if (known instanceof ServiceUnavailableError)
        request.log.warn({ err: (err as Error).message }, 'dependency unavailable');
      else if (translateDbError(err) instanceof DbError)
        request.log.warn({ err: (err as Error).message }, 'database refused a value from the request');
      return reply.status(known.status).send(errorBody(known));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(INTERNAL);
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new NotFoundError();
    return reply.status(404).send(errorBody(error));
  });
}

/**
 * For Fastify's `frameworkErrors` constructor option (app.ts): errors its router raises before any hook
 * or error handler runs — a path whose percent-encoding is invalid (FST_ERR_BAD_URL) — would otherwise
 * leave in Fastify's own JSON shape instead of Strapi's.
 */
export function sendFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status =
    typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500
      ? err.statusCode
      : 400;
  const message = err.code === 'FST_ERR_BAD_URL' ? 'Malformed URL: invalid percent-encoding' : 'Bad Request';
  reply
    .header('x-request-id', request.id)
    .status(status)
    .send({
      data: null,
      error: { status, name: 'BadRequestError', message, details: {} },
    } satisfies ErrorBody);
}

function toApplicationError(err: FastifyError): ApplicationError | undefined {
  if (err instanceof ApplicationError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError('Unsupported Content-Type: send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ValidationError('Invalid JSON in request body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ValidationError('Invalid Content-Length');
  }
  const translated = translateDbError(err);
  if (translated instanceof DbError && translated.kind === 'unavailable') {
    return new ServiceUnavailableError('The database is unavailable, try again later');
  }
  // A value the database refused on a read (writes map these in core/documents/db-errors.ts): it came
  // from the request, so it is the client's 400, not an internal error.
  if (
    translated instanceof DbError &&
    (translated.kind === 'invalid_value' || translated.kind === 'value_too_large')
  ) {
    return new ValidationError('A value in the request cannot be used by the database');
  }
  // Other client errors Fastify raises itself (malformed URLs, bad headers) keep their 4xx status.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new (class extends ApplicationError {
      override readonly name = 'BadRequestError';
      readonly status = err.statusCode!;
    })(err.message);
  }
  return undefined;
}
