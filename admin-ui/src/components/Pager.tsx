import { Group, Pagination } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * The page buttons under a paged list, each named for screen readers ("Page 2", "next page"), with what
 * stands beside them (a count, a page-size picker) on the left. Nothing is shown when one page holds
 * everything, unless `always` (a list whose page-size picker must stay reachable).
 */
export function Pager({
  page,
  pageCount,
  onChange,
  always = false,
  children,
}: {
  readonly page: number;
  readonly pageCount: number;
  readonly onChange: (page: number) => void;
  readonly always?: boolean;
  readonly children?: ReactNode;
}) {
  if (pageCount <= 1 && !always) return null;
  return (
    <Group justify="space-between">
      {children}
      <Pagination
        aria-label="Pages"
        total={Math.max(1, pageCount)}
        value={page}
        onChange={onChange}
        getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
      />
    </Group>
  );
}
