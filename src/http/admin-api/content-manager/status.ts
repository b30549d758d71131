import { FULL_ACCESS } from '../../../core/access.js';
import type { CoreContext } from '../../../core/context.js';
import { findDocuments } from '../../../core/documents/find.js';
import type { Document } from '../../../core/documents/serialize.js';
import type { ContentType } from '../../../core/schema/model.js';

/** Where a document stands: never published, published as it is, or published with a newer draft. */
export type DocumentStatus = 'draft' | 'published' | 'modified';

/** The status of each draft in a list: one query for the published versions of the whole page. */
export async function withStatus(core: CoreContext, type: ContentType, drafts: Document[]) {
  if (!type.draftAndPublish) return drafts.map((d) => ({ ...d, status: 'published' as DocumentStatus }));
  const ids = drafts.map((d) => d.documentId as string);
  const published = ids.length
    ? (
        await findDocuments(core, type, {
          params: {
            status: 'published',
            fields: ['publishedAt'],
            filters: { documentId: { $in: ids } },
            pagination: { pageSize: ids.length, withCount: false },
          },
          access: FULL_ACCESS,
        })
      ).data
    : [];
  const publishedAt = new Map(published.map((d) => [d.documentId as string, d.publishedAt as string]));
  return drafts.map((d) => ({ ...d, status: status(d, publishedAt.get(d.documentId as string)) }));
}

export async function statusOf(
  core: CoreContext,
  type: ContentType,
  draft: Document,
): Promise<DocumentStatus> {
  return (await withStatus(core, type, [draft]))[0].status;
}

function status(draft: Document, publishedAt: string | undefined): DocumentStatus {
  if (publishedAt === undefined) return 'draft';
  // Publishing stamps the published row after the draft's last write; a later draft write is newer.
  return Date.parse(draft.updatedAt as string) > Date.parse(publishedAt) ? 'modified' : 'published';
}
