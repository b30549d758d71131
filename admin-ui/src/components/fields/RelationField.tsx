import { Alert, MultiSelect, Select, Text, type ComboboxParsedItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { displayName, mainField } from '../../api/content-types';
import { documentsApi } from '../../api/documents';
import { isToMany, type RelationOption } from '../../pages/content/form-values';
import { useSchema } from '../../pages/content/schema-context';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

/**
 * Picks related documents by searching the target type (its main field, through `_q`). The form keeps
 * `{ documentId, label }` objects so chosen entries keep their names when they leave the search results.
 * A failing search shows in this field only.
 */
export function RelationField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const { contentTypes } = useSchema();
  const target = attribute.target ? contentTypes.get(attribute.target) : undefined;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const many = isToMany(attribute);
  const current = valueAt(form.getValues(), path) as RelationOption[] | RelationOption | null;
  const chosen: RelationOption[] = many
    ? ((current as RelationOption[]) ?? [])
    : current
      ? [current as RelationOption]
      : [];

  const results = useQuery({
    queryKey: ['relation-search', attribute.target, q],
    queryFn: () =>
      documentsApi.list(attribute.target!, {
        _q: q || undefined,
        pageSize: 20,
        sort: `${mainField(target)}:asc`,
      }),
    enabled: target !== undefined && !disabled,
  });

  if (!target)
    return (
      <div>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" c="dimmed">
          {chosen.map((o) => o.label).join(', ') || 'None'} (managed elsewhere)
        </Text>
      </div>
    );

  const field = mainField(target);
  const options = new Map<string, RelationOption>(chosen.map((o) => [o.documentId, o]));
  for (const d of results.data?.data ?? [])
    options.set(d.documentId, { documentId: d.documentId, label: String(d[field] ?? d.documentId) });
  const data = [...options.values()].map((o) => ({ value: o.documentId, label: o.label }));
  const error = (valueAt(form.errors, path) as string | undefined) ?? form.errors[path];
  const common = {
    label,
    description: `${displayName(target)} — type to search`,
    data,
    searchable: true,
    searchValue: search,
    onSearchChange: setSearch,
    // The server searched already; the picker must not filter its answer again by label only.
    filter: ({ options: all }: { options: ComboboxParsedItem[] }) => all,
    nothingFoundMessage: results.isFetching ? 'Searching…' : 'Nothing found',
    disabled,
    error: error as string | undefined,
    required: attribute.required,
  } as const;

  return (
    <div>
      {many ? (
        <MultiSelect
          {...common}
          value={chosen.map((o) => o.documentId)}
          onChange={(ids) =>
            form.setFieldValue(
              path,
              ids.map((id) => options.get(id)!),
            )
          }
          clearable
        />
      ) : (
        <Select
          {...common}
          value={chosen[0]?.documentId ?? null}
          onChange={(id) => form.setFieldValue(path, id ? options.get(id)! : null)}
          clearable
        />
      )}
      {results.error && (
        <Alert color="red" variant="light" mt={4} p="xs">
          {displayName(target)} could not be searched: {(results.error as Error).message}
        </Alert>
      )}
    </div>
  );
}
