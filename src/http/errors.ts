import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ApplicationError,
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
      if (known instanceof ServiceUnavailableError)
        request.log.warn({ err: (err as Error).message }, 'dependency unavailable');
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
  // Other client errors Fastify raises itself (malformed URLs, bad headers) keep their 4xx status.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new (class extends ApplicationError {
      override readonly name = 'BadRequestError';
      readonly status = err.statusCode!;
    })(err.message);
  }
  return undefined;
}
