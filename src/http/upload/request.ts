import { NotFoundError } from '../../core/errors.js';

/** A file's numeric id (Strapi addresses files by id); anything else names no file. */
export function fileId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,14}$/.test(raw)) throw new NotFoundError('file.notFound');
  return Number(raw);
}
