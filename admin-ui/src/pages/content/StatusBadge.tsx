import { Badge } from '@mantine/core';
import type { DocumentStatus } from '../../api/documents';

const COLORS: Record<DocumentStatus, string> = { draft: 'gray', published: 'green', modified: 'orange' };
const LABELS: Record<DocumentStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  modified: 'Modified',
};

/** Draft (never published), Published (as it is), Modified (published, with newer draft changes). */
export function StatusBadge({ status }: { status: DocumentStatus }) {
  return (
    <Badge color={COLORS[status]} variant="light">
      {LABELS[status]}
    </Badge>
  );
}
