import { Button, Fieldset, Group, Stack, Text } from '@mantine/core';
import { newKey, toFormValues } from '../../pages/content/form-values';
import { useSchema } from '../../pages/content/schema-context';
import { ListEntry } from './EntryControls';
import { FieldList } from './FieldList';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

/** A component: one optional group of fields, or a repeatable, reorderable list of them. */
export function ComponentField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const schema = useSchema();
  const component = schema.components.get(attribute.component ?? '');
  const attributes = component?.definition.attributes ?? {};
  const name = component?.definition.info.displayName ?? attribute.component ?? 'component';
  const blank = () => ({ __key: newKey(), ...toFormValues(attributes, null, schema) });
  const value = valueAt(form.getValues(), path);
  const error = form.errors[path];

  if (!attribute.repeatable) {
    return (
      <Fieldset legend={`${label} (${name})`} disabled={disabled}>
        {value ? (
          <Stack>
            <FieldList form={form} attributes={attributes} prefix={`${path}.`} disabled={disabled} />
            <Group justify="flex-end">
              <Button variant="subtle" color="red" size="xs" onClick={() => form.setFieldValue(path, null)}>
                Remove {label}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Button variant="light" size="xs" onClick={() => form.setFieldValue(path, blank())}>
            Add {label}
          </Button>
        )}
        {error && (
          <Text c="red" size="sm" mt="xs">
            {error}
          </Text>
        )}
      </Fieldset>
    );
  }

  const entries = (value as Record<string, unknown>[]) ?? [];
  return (
    <Fieldset legend={`${label} (${name}, ${entries.length})`} disabled={disabled}>
      <Stack>
        {entries.map((entry, i) => (
          <ListEntry
            key={String(entry.__key)}
            form={form}
            path={path}
            index={i}
            count={entries.length}
            title={`${name} ${i + 1}`}
            name={`${name} ${i + 1}`}
            disabled={disabled}
          >
            <FieldList form={form} attributes={attributes} prefix={`${path}.${i}.`} disabled={disabled} />
          </ListEntry>
        ))}
        <Group>
          <Button
            variant="light"
            size="xs"
            onClick={() => form.insertListItem(path, blank())}
            disabled={attribute.max !== undefined && entries.length >= attribute.max}
          >
            Add an entry to {label}
          </Button>
        </Group>
        {error && (
          <Text c="red" size="sm">
            {error}
          </Text>
        )}
      </Stack>
    </Fieldset>
  );
}
