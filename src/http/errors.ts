import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dbErrorAnswer } from '../core/db-answers.js';
import type { ErrorCode } from '../core/error-codes.js';
import {
  ApplicationError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/errors.js';
import { DbError } from '../db/errors.js';

/**
 * Every error answer carries its registered code (core/error-codes.ts) in this header, beside Strapi's
 * body: the body stays exactly Strapi's, and a client that knows Quorum can branch on the code.
 */
export const ERROR_CODE_HEADER = 'x-quorum-error-code';

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

/**
 * A client error the HTTP framework raised itself (a malformed header, a bad Content-Length…): it
 * keeps the 4xx status the framework chose.
 */
class FrameworkClientError extends ApplicationError<'BadRequestError', '4xx'> {
  static readonly defaultCode = 'QUORUM_BAD_REQUEST';
  override readonly name = 'BadRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every error leaves in Strapi's shape; anything unexpected is a logged 500 with no detail for the client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = toApplicationError(err);
    if (known) {
      if (known instanceof MethodNotAllowedError) reply.header('allow', known.allow.join(', '));
      if (known instanceof ServiceUnavailableError)
        request.log.warn(
          { err: (err as Error).message },
          known.code === 'QUORUM_STATEMENT_TIMEOUT'
            ? 'statement stopped by the time limit'
            : 'dependency unavailable',
        );
      else if (err instanceof DbError)
        request.log.warn({ err: (err as Error).message }, 'database refused a value from the request');
      return reply.status(known.status).header(ERROR_CODE_HEADER, known.code).send(errorBody(known));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).header(ERROR_CODE_HEADER, 'QUORUM_INTERNAL_ERROR').send(INTERNAL);
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new NotFoundError(undefined, undefined, 'QUORUM_ROUTE_NOT_FOUND');
    return reply.status(404).header(ERROR_CODE_HEADER, error.code).send(errorBody(error));
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
  const badUrl = err.code === 'FST_ERR_BAD_URL';
  const code: ErrorCode = badUrl ? 'QUORUM_MALFORMED_URL' : 'QUORUM_BAD_REQUEST';
  const message = badUrl ? 'Malformed URL: invalid percent-encoding' : 'Bad Request';
  reply
    .header('x-request-id', request.id)
    .header(ERROR_CODE_HEADER, code)
    .status(status)
    .send({
      data: null,
      error: { status, name: 'BadRequestError', message, details: {} },
    } satisfies ErrorBody);
}

function toApplicationError(err: FastifyError): ApplicationError | undefined {
  if (err instanceof ApplicationError) return err;
  // A value the database refused on a read (writes map these in core/documents/db-errors.ts): it came
  // from the request, so it is the client's 400, not an internal error. An unreachable database, a
  // stopped statement: 503.
  if (err instanceof DbError) return dbErrorAnswer(err, 'request');
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError('Unsupported Content-Type: send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ValidationError('Invalid JSON in request body', undefined, 'QUORUM_INVALID_JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ValidationError('Invalid Content-Length');
  }
  // Other client errors Fastify raises itself (malformed URLs, bad headers) keep their 4xx status.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new FrameworkClientError(err.statusCode, err.message);
  }
  return undefined;
}
