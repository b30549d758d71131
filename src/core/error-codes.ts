/**
 * The error codes: one stable code for each kind of error a client can see, next to Strapi's `name`.
 * The HTTP layer sends it in the `X-Quorum-Error-Code` header of every error answer, so Strapi's JSON
 * stays exactly as Strapi writes it. docs/errors.md's table is generated from this list
 * (`npm run docs:errors`) and a test keeps the two equal.
 *
 * A code never changes meaning or status. A new case gets a new code; each error class has a general
 * code for the cases that have none of their own.
 */
export interface ErrorCodeSpec {
  /** The HTTP status; '4xx' for the one code whose status the HTTP framework chose. */
  readonly status: number | '4xx';
  /** Strapi's `error.name` in the body. */
  readonly name: string;
  /** When a client gets it (one sentence, for the docs). */
  readonly when: string;
}

export const ERROR_CODES = {
  // The general code of each error class.
  QUORUM_VALIDATION_FAILED: {
    status: 400,
    name: 'ValidationError',
    when: 'The request is invalid in a way no more precise code names; the message says how.',
  },
  QUORUM_INVALID_PAGINATION: {
    status: 400,
    name: 'PaginationError',
    when: 'Pagination parameters that are not integers, out of range, or mix page and offset pagination.',
  },
  QUORUM_REQUEST_REFUSED: {
    status: 400,
    name: 'ApplicationError',
    when: 'A well-formed request that cannot be carried out: a disabled feature, a built-in role, an account state, a value already taken.',
  },
  QUORUM_UNAUTHORIZED: {
    status: 401,
    name: 'UnauthorizedError',
    when: 'Missing or invalid credentials.',
  },
  QUORUM_FORBIDDEN: {
    status: 403,
    name: 'ForbiddenError',
    when: 'The caller is known but may not do this.',
  },
  QUORUM_NOT_FOUND: {
    status: 404,
    name: 'NotFoundError',
    when: 'The document, record or file the request names does not exist (or is outside what the caller may see).',
  },
  QUORUM_METHOD_NOT_ALLOWED: {
    status: 405,
    name: 'MethodNotAllowedError',
    when: 'The path exists but not with this method, or no route serves the method at all; `Allow` lists the methods.',
  },
  QUORUM_CONFLICT: {
    status: 409,
    name: 'ConflictError',
    when: 'The request conflicts with the current state (a name already used, a file still in use, a type defined by a file).',
  },
  QUORUM_PAYLOAD_TOO_LARGE: {
    status: 413,
    name: 'PayloadTooLargeError',
    when: 'The request body (`server.bodyLimit`), a multipart field, or the number of files or fields is over its limit.',
  },
  QUORUM_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    name: 'UnsupportedMediaTypeError',
    when: 'The body is not of a type the route reads (JSON, or multipart/form-data for uploads).',
  },
  QUORUM_RATE_LIMITED: {
    status: 429,
    name: 'RateLimitError',
    when: 'Too many requests to an authentication route from this address; `Retry-After` says when to come back.',
  },
  QUORUM_SERVICE_UNAVAILABLE: {
    status: 503,
    name: 'ServiceUnavailableError',
    when: 'A dependency is unavailable; try again later.',
  },
  QUORUM_INTERNAL_ERROR: {
    status: 500,
    name: 'InternalServerError',
    when: 'A bug or an unexpected failure; the details are in the log under the request ID, never in the answer.',
  },

  // Query parameters.
  QUORUM_INVALID_KEY: {
    status: 400,
    name: 'ValidationError',
    when: 'A query parameter or body names a key that does not exist (Strapi\'s "Invalid key"); `details.key` and `details.path` name it.',
  },
  QUORUM_INVALID_QUERY: {
    status: 400,
    name: 'ValidationError',
    when: 'A query parameter (`filters`, `sort`, `fields`, `populate`, `status`, `_q`, `pagination`, `hasPublishedVersion`, `publicationFilter`) has the wrong form or value; `details.param` names it, except where Strapi 5.54 answers with empty `details` (`status`, pagination values, `hasPublishedVersion`, the shape of `filters` and `fields`).',
  },
  QUORUM_QUERY_TOO_COSTLY: {
    status: 400,
    name: 'ValidationError',
    when: 'A read is over a cost limit (`api.rest.maxDepth`, `maxRelationHops`, `maxPopulatedDocuments`, the number of filters, sort keys or populated attributes); `details` names the limit.',
  },

  // Bodies and values.
  QUORUM_INVALID_JSON: {
    status: 400,
    name: 'ValidationError',
    when: 'The body is not valid JSON, or is empty where JSON was announced.',
  },
  QUORUM_JSON_TOO_DEEP: {
    status: 400,
    name: 'ValidationError',
    when: 'The JSON body is nested deeper than `api.rest.maxJsonDepth`.',
  },
  QUORUM_MISSING_DATA: {
    status: 400,
    name: 'ValidationError',
    when: 'A content write whose body has no `data` object.',
  },
  QUORUM_INVALID_FIELDS: {
    status: 400,
    name: 'ValidationError',
    when: 'Attributes of the body break their rules; `details.errors` lists each with its `path` and message.',
  },
  QUORUM_NOT_UNIQUE: {
    status: 400,
    name: 'ValidationError',
    when: 'A value that must be unique is already used (by another document of the same status, an admin, a role); `details.errors` names the attribute.',
  },
  QUORUM_VALUE_REFUSED: {
    status: 400,
    name: 'ValidationError',
    when: "The database cannot store or compare a value from the request (too large for an index, out of its column's range).",
  },
  QUORUM_FILE_TOO_LARGE: {
    status: 413,
    name: 'PayloadTooLargeError',
    when: 'An uploaded file is over `upload.sizeLimit`; `details.limit` is the limit in bytes.',
  },

  // Authentication.
  QUORUM_INVALID_CREDENTIALS: {
    status: 400,
    name: 'ValidationError',
    when: 'A login whose identifier or password is wrong (admin and Users & Permissions logins, as Strapi answers them).',
  },
  QUORUM_TOKEN_EXPIRED: {
    status: 401,
    name: 'UnauthorizedError',
    when: 'The API token has expired.',
  },
  QUORUM_LOGIN_LOCKED: {
    status: 429,
    name: 'RateLimitError',
    when: 'Too many failed logins for this identifier or address: locked for a while; `Retry-After` says how long.',
  },
  QUORUM_MISSING_PRIVILEGES: {
    status: 403,
    name: 'ForbiddenError',
    when: 'An admin hands out a role, permission or token right they do not hold themselves; `details.missing` lists them.',
  },

  // Schema changes (content-type builder).
  QUORUM_INVALID_SCHEMA: {
    status: 400,
    name: 'ValidationError',
    when: 'A content-type or component definition that cannot be applied; the message names the attribute.',
  },
  QUORUM_DESTRUCTIVE_CHANGE: {
    status: 409,
    name: 'ConflictError',
    when: 'A schema change would delete data; `details.steps` lists the steps, and sending it again with confirmation applies it.',
  },

  // The database and storage.
  QUORUM_DATABASE_UNAVAILABLE: {
    status: 503,
    name: 'ServiceUnavailableError',
    when: 'The database cannot be reached or refused the connection; try again later.',
  },
  QUORUM_STATEMENT_TIMEOUT: {
    status: 503,
    name: 'ServiceUnavailableError',
    when: 'A statement ran past `database.statementTimeoutMs` and was stopped (`details.reason: "statement-timeout"`): narrow the request or try later.',
  },
  QUORUM_STORAGE_UNAVAILABLE: {
    status: 503,
    name: 'ServiceUnavailableError',
    when: 'The file storage (folder, database or S3) did not take an upload; try again later.',
  },

  // HTTP itself.
  QUORUM_ROUTE_NOT_FOUND: {
    status: 404,
    name: 'NotFoundError',
    when: 'No route answers this path.',
  },
  QUORUM_RANGE_NOT_SATISFIABLE: {
    status: 416,
    name: 'RangeNotSatisfiableError',
    when: 'A `Range` request for a file outside its size; `details.size` is the size.',
  },
  QUORUM_MALFORMED_URL: {
    status: 400,
    name: 'BadRequestError',
    when: 'The URL has invalid percent-encoding.',
  },
  QUORUM_BAD_REQUEST: {
    status: '4xx',
    name: 'BadRequestError',
    when: 'The HTTP framework refused the request before any route ran (a path parameter too long, a malformed header); the status is the one it chose.',
  },
  QUORUM_MALFORMED_REQUEST: {
    status: 400,
    name: 'BadRequestError',
    when: "Node's HTTP parser refused the request (raw non-ASCII in the URL, broken headers); the connection is closed.",
  },
  QUORUM_HEADERS_TOO_LARGE: {
    status: 431,
    name: 'BadRequestError',
    when: 'The request headers are over the size Node accepts; the connection is closed.',
  },
  QUORUM_REQUEST_TIMEOUT: {
    status: 408,
    name: 'BadRequestError',
    when: 'The headers or body did not arrive within `server.headersTimeoutMs` / `server.requestTimeoutMs`; the connection is closed.',
  },
} as const satisfies Record<`QUORUM_${string}`, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes whose registered name and status are these: what an error class may carry. */
export type CodeOf<Name extends string, Status extends number | '4xx'> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C] extends { readonly name: Name; readonly status: Status }
    ? C
    : never;
}[ErrorCode];
