import { Card, Checkbox, Group, SimpleGrid, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { mediaApi, type MediaFile } from '../../api/media';
import { Pager } from '../Pager';
import { FileThumbnail } from './FileThumbnail';

const PAGE_SIZE = 24;

interface Props {
  /** Buttons under each file (the library screen's edit and delete). */
  readonly actions?: (file: MediaFile) => ReactNode;
  /** Selection mode (the media field's picker): which files are chosen, and how to toggle one. */
  readonly selected?: ReadonlySet<number>;
  readonly onToggle?: (file: MediaFile) => void;
}

/**
 * Searches and pages through the library as a grid of thumbnails. Loading shows skeleton cards; a failed
 * list is thrown to the enclosing PanelBoundary.
 */
export function MediaBrowser({ actions, selected, onToggle }: Props) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const files = useQuery({
    queryKey: ['media', q, page],
    queryFn: () => mediaApi.list({ q: q || undefined, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    throwOnError: true,
  });
  const pageCount = files.data?.meta.pagination.pageCount ?? 0;

  return (
    <Stack>
      <TextInput
        label="Search files"
        placeholder="Name, alternative text or caption"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
        maw={360}
      />
      <SimpleGrid cols={{ base: 2, sm: 3, md: 4, lg: 6 }} spacing="sm">
        {files.isLoading && Array.from({ length: 6 }, (_, i) => <Skeleton key={i} h={190} radius="md" />)}
        {files.data?.data.map((file) => (
          <Card key={file.id} withBorder padding="xs" radius="md" aria-label={file.name} component="article">
            <Card.Section>
              <FileThumbnail file={file} height={120} />
            </Card.Section>
            <Stack gap={2} mt="xs">
              {onToggle ? (
                <Checkbox
                  label={file.name}
                  checked={selected?.has(file.id) ?? false}
                  onChange={() => onToggle(file)}
                  styles={{ label: { wordBreak: 'break-all' } }}
                />
              ) : (
                <Text size="sm" fw={500} truncate title={file.name}>
                  {file.name}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {file.width && file.height ? `${file.width}×${file.height} · ` : ''}
                {file.size.toLocaleString()} KB
              </Text>
              {actions && <Group gap={4}>{actions(file)}</Group>}
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {files.data?.data.length === 0 && (
        <Text c="dimmed">{q ? `No file matches “${q}”.` : 'No files yet: upload some above.'}</Text>
      )}
      <Pager page={page} pageCount={pageCount} onChange={setPage} />
    </Stack>
  );
}
