import { queryError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import type { Status } from './types.js';

/**
 * `status`: `published` (the default) or `draft`, case-sensitive, as Strapi 5.54's content API route
 * validates it (measured: `status=bogus` and `status=DRAFT` are a 400); an empty `status=` reads drafts,
 * as there (the document service takes anything but `published` for `draft`). It only changes what a
 * draft & publish type reads.
 */
export function parseStatus(type: ContentType, raw: unknown): Status {
  if (raw === undefined) return 'published';
  if (raw !== 'published' && raw !== 'draft' && raw !== '' && raw !== null) {
    const received = typeof raw === 'string' ? raw : JSON.stringify(raw);
    throw queryError(`Invalid parameter at 'status'. Expected 'published' or 'draft', received: ${received}`);
  }
  if (!type.draftAndPublish) return 'published';
  return raw === 'published' ? 'published' : 'draft';
}
