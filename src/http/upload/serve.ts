import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { NotFoundError } from '../../core/errors.js';
import { extensionOf, mimeOfExtension, OCTET_STREAM, safeInline } from '../../media/mime.js';
import { isStorageKey, UPLOADS_PATH, type ByteRange, type FileStorage } from '../../media/storage/index.js';
import { ERROR_CODE_HEADER } from '../errors.js';

/** Stored names carry a random part and are never rewritten, so a response may be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Nothing served from here may run script in the API's origin, whatever a browser thinks it is. */
const SANDBOX =
  "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

/**
 * GET /uploads/<key>: stored files, from whichever provider holds them (a signed S3 bucket answers with
 * a redirect to a short-lived URL). ETag and If-None-Match, one byte range (206, or 416 outside the
 * file), the stored content type, and SVG, HTML and other active types only as attachments.
 */
export const fileServingRoutes: FastifyPluginAsync<{ storage: FileStorage }> = async (app, { storage }) => {
  app.get<{ Params: { key: string } }>(`${UPLOADS_PATH}/:key`, async (request, reply) => {
    const { key } = request.params;
    if (!isStorageKey(key)) throw new NotFoundError();
    if (storage.redirect) {
      return reply.header('cache-control', 'private, max-age=60').redirect(await storage.redirect(key), 302);
    }
    const info = await storage.stat(key);
    if (!info) throw new NotFoundError();
    const type = info.contentType ?? mimeOfExtension(extensionOf(key)) ?? OCTET_STREAM;
    const etag = `"${info.size.toString(16)}-${key}"`;
    reply
      .header('content-type', type.startsWith('text/') ? `${type}; charset=utf-8` : type)
      .header('etag', etag)
      .header('cache-control', IMMUTABLE)
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', SANDBOX)
      .header('content-disposition', `${safeInline(type) ? 'inline' : 'attachment'}; filename="${key}"`);
    if (matches(request.headers['if-none-match'], etag)) return reply.status(304).send();

    const range = requestedRange(request, etag, info.size);
    if (range === 'unsatisfiable') return unsatisfiable(reply, info.size);
    const length = range ? range.end - range.start + 1 : info.size;
    reply.header('content-length', length);
    if (range) reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (length === 0) return reply.send('');
    // Fastify answers HEAD through this handler; an empty stream keeps the content-length set above
    // (a string payload would replace it with its own length) and reads nothing from the storage.
    if (request.method === 'HEAD') return reply.send(Readable.from([]));
    return reply.send(await storage.get(key, range));
  });
};

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * One `bytes=` range, clipped to the file. Several ranges, or a syntax this does not understand, are
 * answered with the whole file (RFC 9110 allows ignoring Range); an If-Range that no longer matches too.
 */
function requestedRange(
  request: FastifyRequest,
  etag: string,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const header = request.headers.range;
  if (!header) return undefined;
  const ifRange = request.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

function unsatisfiable(reply: FastifyReply, size: number) {
  return reply
    .status(416)
    .header('content-range', `bytes */${size}`)
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', null)
    .header(ERROR_CODE_HEADER, 'QUORUM_RANGE_NOT_SATISFIABLE')
    .send({
      data: null,
      error: {
        status: 416,
        name: 'RangeNotSatisfiableError',
        message: 'The requested range is outside the file',
        details: { size },
      },
    });
}
