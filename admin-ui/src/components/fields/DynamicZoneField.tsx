import { Button, Fieldset, Group, Menu, Stack, Text } from '@mantine/core';
import { newKey, toFormValues } from '../../pages/content/form-values';
import { useSchema } from '../../pages/content/schema-context';
import { ListEntry } from './EntryControls';
import { FieldList } from './FieldList';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

/** A dynamic zone: a list of entries, each any of the allowed components; add, reorder, remove. */
export function DynamicZoneField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const schema = useSchema();
  const entries = (valueAt(form.getValues(), path) as Record<string, unknown>[]) ?? [];
  const allowed = (attribute.components ?? []).map((uid) => ({ uid, model: schema.components.get(uid) }));
  const nameOf = (uid: string) => schema.components.get(uid)?.definition.info.displayName ?? uid;
  const add = (uid: string) =>
    form.insertListItem(path, {
      __key: newKey(),
      __component: uid,
      ...toFormValues(schema.components.get(uid)?.definition.attributes ?? {}, null, schema),
    });
  const error = form.errors[path];

  return (
    <Fieldset legend={`${label} (${entries.length})`} disabled={disabled}>
      <Stack>
        {entries.map((entry, i) => {
          const uid = String(entry.__component);
          const name = nameOf(uid);
          return (
            <ListEntry
              key={String(entry.__key)}
              form={form}
              path={path}
              index={i}
              count={entries.length}
              title={`${i + 1}. ${name}`}
              name={`${name} ${i + 1}`}
              disabled={disabled}
            >
              <FieldList
                form={form}
                attributes={schema.components.get(uid)?.definition.attributes ?? {}}
                prefix={`${path}.${i}.`}
                disabled={disabled}
              />
            </ListEntry>
          );
        })}
        <Group>
          <Menu>
            <Menu.Target>
              <Button variant="light" size="xs" disabled={disabled}>
                Add to {label}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {allowed.map(({ uid }) => (
                <Menu.Item key={uid} onClick={() => add(uid)}>
                  {nameOf(uid)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
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
