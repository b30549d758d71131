import { ValidationError } from '../errors.js';
import type { ContentType } from '../schema/model.js';
import type { Status } from './types.js';

/**
 * `status` only means something on draft & publish types. As in Strapi, `published` is the default and
 * any other value reads as `draft`.
 */
export function parseStatus(type: ContentType, raw: unknown): Status {
  if (!type.draftAndPublish || raw === undefined) return 'published';
  if (raw !== null && typeof raw !== 'string') {
    throw new ValidationError('Invalid status parameter: expected "draft" or "published"', {
      source: 'query',
      param: 'status',
    });
  }
  return raw === 'published' ? 'published' : 'draft';
}
