import { invalidQuery, queryError } from '../errors.js';
import type { PublicationFilter } from './types.js';

/** The cohorts of Strapi's `publicationFilter` (packages/core/utils/src/publication-filter.ts). */
export const PUBLICATION_FILTERS: readonly PublicationFilter[] = [
  'never-published',
  'has-published-version',
  'modified',
  'unmodified',
  'never-published-document',
  'has-published-version-document',
  'published-without-draft',
  'published-with-draft',
];

/**
 * `publicationFilter` and the older `hasPublishedVersion=true|false` (which Strapi maps to the
 * document-scoped cohorts): which rows of the requested status to keep, by what the document's other
 * version is. Both may be given; both then apply. Messages are Strapi's.
 */
export function parsePublicationFilters(params: Record<string, unknown>): PublicationFilter[] {
  const filters: PublicationFilter[] = [];
  const cohort = params.publicationFilter;
  if (cohort !== undefined && cohort !== null) {
    if (typeof cohort !== 'string' || !(PUBLICATION_FILTERS as readonly string[]).includes(cohort)) {
      throw invalidQuery(
        `Invalid value for 'publicationFilter'. Expected one of: ${PUBLICATION_FILTERS.join(', ')}.`,
        { source: 'query', param: 'publicationFilter' },
      );
    }
    filters.push(cohort as PublicationFilter);
  }
  const has = params.hasPublishedVersion;
  if (has !== undefined && has !== null) {
    if (has !== true && has !== false && has !== 'true' && has !== 'false') {
      throw queryError("Invalid value for 'hasPublishedVersion'. Expected boolean or 'true'/'false' string.");
    }
    filters.push(
      has === true || has === 'true' ? 'has-published-version-document' : 'never-published-document',
    );
  }
  return filters;
}
