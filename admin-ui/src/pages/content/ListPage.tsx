import {
  Alert,
  Button,
  Checkbox,
  Group,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { showApiError } from '../../api/form-errors';
import {
  displayName,
  hasDraftAndPublish,
  mainField,
  useContentType,
  type ModelInfo,
} from '../../api/content-types';
import { documentsApi, type ListedDocument } from '../../api/documents';
import { useCan } from '../../auth/permissions';
import { DataTable } from '../../components/DataTable';
import { Pager } from '../../components/Pager';
import { StatusBadge } from './StatusBadge';
import { FilterBar } from './FilterBar';
import { decodeFilter, encodeFilter, toQueryFilters, type ListFilter } from './filters';
import { formatCell, listColumns } from './columns';

const PAGE_SIZES = ['10', '20', '50', '100'];

/** A collection type's documents: search, sort, pagination, status, bulk actions. State lives in the URL. */
export function ListPage() {
  const { uid = '' } = useParams();
  const { type, isLoading } = useContentType(uid);
  if (isLoading) return <Skeleton h={400} />;
  if (!type) return <Alert color="red">No content type {uid}</Alert>;
  return <DocumentList key={uid} type={type} />;
}

function DocumentList({ type }: { type: ModelInfo }) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const can = useCan();
  const queryClient = useQueryClient();
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? 10);
  const sort = params.get('sort') ?? 'updatedAt:desc';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search, 300);
  const [selected, setSelected] = useState<string[]>([]);
  const filters = params.getAll('filter').flatMap((raw) => decodeFilter(raw) ?? []);
  const setFilters = (next: ListFilter[]) =>
    setParams((current) => {
      const url = new URLSearchParams(current);
      url.delete('filter');
      url.delete('page');
      for (const f of next) url.append('filter', encodeFilter(f));
      return url;
    });
  const columns = listColumns(type);
  const draftAndPublish = hasDraftAndPublish(type);

  const update = (changes: Record<string, string | null>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) next.delete(k);
        else next.set(k, v);
      }
      return next;
    });
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) update({ q: q || null, page: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the debounced search drives this
  }, [q]);

  const listKey = ['documents', type.uid, { page, pageSize, sort, q, filters }];
  const list = useQuery({
    queryKey: listKey,
    queryFn: () =>
      documentsApi.list(type.uid, {
        page,
        pageSize,
        sort,
        _q: q || undefined,
        filters: toQueryFilters(filters),
      }),
    placeholderData: keepPreviousData,
  });
  const filterKey = params.getAll('filter').join('&');
  useEffect(() => setSelected([]), [page, pageSize, sort, q, filterKey]);

  const bulk = useMutation({
    mutationFn: (verb: 'publish' | 'unpublish' | 'delete') => documentsApi.bulk(type.uid, verb, selected),
    onSuccess: ({ data }, verb) => {
      notifications.show({
        color: data.failed.length ? 'orange' : 'green',
        title: `${data.count} ${data.count === 1 ? 'entry' : 'entries'} ${verb === 'delete' ? 'deleted' : `${verb}ed`}`,
        message: data.failed.map((f) => `${f.documentId}: ${f.message}`).join('\n') || undefined,
      });
      setSelected([]);
    },
    onError: (error) => showApiError(error),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['documents', type.uid] }),
  });

  const confirmDelete = () =>
    modals.openConfirmModal({
      title: `Delete ${selected.length} ${selected.length === 1 ? 'entry' : 'entries'}?`,
      children: <Text size="sm">Drafts and published versions are deleted. This cannot be undone.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => bulk.mutate('delete'),
    });

  const rows = list.data?.data ?? [];
  const pagination = list.data?.meta.pagination;
  const [sortField, sortOrder] = sort.split(':');
  const sortHeader = (field: string, label: string) => {
    const active = sortField === field;
    return (
      <Table.Th
        key={field}
        aria-sort={active ? (sortOrder === 'asc' ? 'ascending' : 'descending') : undefined}
      >
        <UnstyledButton
          onClick={() =>
            update({ sort: `${field}:${active && sortOrder === 'asc' ? 'desc' : 'asc'}`, page: null })
          }
          fw={600}
          fz="sm"
        >
          {label} {active ? (sortOrder === 'asc' ? '▲' : '▼') : ''}
        </UnstyledButton>
      </Table.Th>
    );
  };
  const allSelected = rows.length > 0 && rows.every((r) => selected.includes(r.documentId));

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={1}>{displayName(type)}</Title>
          <Text c="dimmed" size="sm">
            {pagination ? `${pagination.total} ${pagination.total === 1 ? 'entry' : 'entries'}` : ' '}
          </Text>
        </div>
        {can('plugin::content-manager.explorer.create', type.uid) && (
          <Button component={Link} to={`/content/${type.uid}/new`}>
            Create new entry
          </Button>
        )}
      </Group>
      <Group justify="space-between">
        <Group gap="xs">
          <TextInput
            aria-label="Search"
            placeholder={`Search ${displayName(type)}`}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={280}
          />
          <FilterBar type={type} filters={filters} onChange={setFilters} />
        </Group>
        {selected.length > 0 && (
          <Group gap="xs" aria-label="Bulk actions">
            <Text size="sm">{selected.length} selected</Text>
            {draftAndPublish && can('plugin::content-manager.explorer.publish', type.uid) && (
              <>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => bulk.mutate('publish')}
                  loading={bulk.isPending}
                >
                  Publish
                </Button>
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => bulk.mutate('unpublish')}
                  loading={bulk.isPending}
                >
                  Unpublish
                </Button>
              </>
            )}
            {can('plugin::content-manager.explorer.delete', type.uid) && (
              <Button size="xs" color="red" variant="light" onClick={confirmDelete} loading={bulk.isPending}>
                Delete
              </Button>
            )}
          </Group>
        )}
      </Group>
      {list.error ? (
        <Alert color="red" title="The entries could not be loaded">
          {(list.error as Error).message}
        </Alert>
      ) : (
        <DataTable
          minWidth={600}
          tableProps={{ highlightOnHover: true, verticalSpacing: 'sm' }}
          columns={[
            <Table.Th key="select" w={40}>
              <Checkbox
                aria-label="Select all entries on this page"
                checked={allSelected}
                indeterminate={!allSelected && selected.length > 0}
                onChange={() => setSelected(allSelected ? [] : rows.map((r) => r.documentId))}
              />
            </Table.Th>,
            ...columns.map((c) => sortHeader(c.name, c.label)),
            ...(draftAndPublish ? ['Status'] : []),
            sortHeader('updatedAt', 'Updated'),
          ]}
          loading={list.isLoading}
          rows={list.data?.data}
          empty={q || filters.length ? 'Nothing matches' : 'No entries yet'}
        >
          {(row: ListedDocument) => (
            <Table.Tr
              key={row.documentId}
              style={{ cursor: 'pointer' }}
              onClick={() => navigate(`/content/${type.uid}/${row.documentId}`)}
            >
              <Table.Td onClick={(e) => e.stopPropagation()}>
                <Checkbox
                  aria-label={`Select ${String(row[mainField(type)] ?? row.documentId)}`}
                  checked={selected.includes(row.documentId)}
                  onChange={() =>
                    setSelected((s) =>
                      s.includes(row.documentId)
                        ? s.filter((d) => d !== row.documentId)
                        : [...s, row.documentId],
                    )
                  }
                />
              </Table.Td>
              {columns.map((c, i) => (
                <Table.Td key={c.name}>
                  {i === 0 ? (
                    <Link to={`/content/${type.uid}/${row.documentId}`} onClick={(e) => e.stopPropagation()}>
                      {formatCell(row[c.name], c.type) || '—'}
                    </Link>
                  ) : (
                    formatCell(row[c.name], c.type)
                  )}
                </Table.Td>
              ))}
              {draftAndPublish && (
                <Table.Td>
                  <StatusBadge status={row.status} />
                </Table.Td>
              )}
              <Table.Td>{formatCell(row.updatedAt, 'datetime')}</Table.Td>
            </Table.Tr>
          )}
        </DataTable>
      )}
      {pagination && (
        <Pager
          page={page}
          pageCount={pagination.pageCount}
          onChange={(p) => update({ page: String(p) })}
          always
        >
          <Select
            aria-label="Entries per page"
            data={PAGE_SIZES}
            value={String(pageSize)}
            onChange={(v) => update({ pageSize: v, page: null })}
            w={90}
            allowDeselect={false}
          />
        </Pager>
      )}
    </Stack>
  );
}
