import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QuorumConfig } from '../../config/index.js';
import {
  ApplicationError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../core/errors.js';
import { Spool, tooLarge, type SpooledFile } from '../../media/spool.js';

export interface UploadForm {
  readonly files: SpooledFile[];
  /** Text fields by name, each possibly repeated. */
  readonly fields: Map<string, string[]>;
}

/** The file field of Strapi's upload routes. */
const FILE_FIELD = 'files';

// Text fields of one upload: fileInfo entries and ref/refId/field are small.
const FIELD_SIZE = 256 * 1024;
const MAX_FIELDS = 200;

/**
 * Registers upload routes in a scope of their own with the multipart parser and the configured limits,
 * so no other route accepts multipart bodies. Both the content API's and the admin API's upload routes
 * go through here.
 */
export async function registerUploadScope(
  app: FastifyInstance,
  limits: QuorumConfig['upload'],
  routes: (scope: FastifyInstance) => void,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: limits.sizeLimit,
        files: limits.maxFiles,
        fields: MAX_FIELDS,
        fieldSize: FIELD_SIZE,
      },
    });
    routes(scope);
  });
}

/**
 * Runs `use` with the request's upload form spooled to temporary files, which are removed afterwards
 * whatever happens (the media library has copied what it keeps to storage by then).
 */
export async function withUploadForm<T>(
  request: FastifyRequest,
  sizeLimit: number,
  use: (form: UploadForm, spool: Spool) => Promise<T>,
): Promise<T> {
  const spool = new Spool();
  try {
    return await use(await readUploadForm(request, spool, sizeLimit), spool);
  } finally {
    await spool.dispose();
  }
}

/**
 * Reads a multipart upload: each file is streamed to the spool as it arrives (never held in memory);
 * text fields are collected whatever their position. The multipart parser's own errors and malformed
 * bodies become Strapi-shaped 4xx errors.
 */
export async function readUploadForm(
  request: FastifyRequest,
  spool: Spool,
  sizeLimit: number,
): Promise<UploadForm> {
  if (!request.isMultipart())
    throw new UnsupportedMediaTypeError('Send the files as multipart/form-data (field "files")');
  const files: SpooledFile[] = [];
  const fields = new Map<string, string[]>();
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== FILE_FIELD) {
          part.file.resume();
          throw new ValidationError(`Unexpected file field "${part.fieldname}": send files as "files"`);
        }
        files.push(
          await spool.write(part.file, { filename: part.filename, claimedType: part.mimetype }, sizeLimit),
        );
      } else {
        if (part.valueTruncated) throw new PayloadTooLargeError(`Field "${part.fieldname}" is too large`);
        const list = fields.get(part.fieldname) ?? [];
        list.push(String(part.value));
        fields.set(part.fieldname, list);
      }
    }
  } catch (err) {
    throw formError(err, sizeLimit);
  }
  return { files, fields };
}

function formError(err: unknown, sizeLimit: number): unknown {
  if (err instanceof ApplicationError) return err;
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(sizeLimit);
    case 'FST_FILES_LIMIT':
      return new PayloadTooLargeError('Too many files in one upload');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new PayloadTooLargeError('Too many fields in one upload');
    case 'FST_PROTO_VIOLATION':
      return new ValidationError('Invalid field name');
  }
  // Errors of the system (disk full, permissions) stay internal; anything else is a malformed body.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return err;
  return new ValidationError('Malformed multipart body');
}
