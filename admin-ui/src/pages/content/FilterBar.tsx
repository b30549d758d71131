import { Button, Group, Popover, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ModelInfo } from '../../api/content-types';
import { labelOf } from './columns';
import { filterableFields, OPERATOR_LABELS, operatorsFor, takesValue, type ListFilter } from './filters';

/** The list view's filters: add a condition built from the attribute's type; remove one by its pill. */
export function FilterBar({
  type,
  filters,
  onChange,
}: {
  type: ModelInfo;
  filters: readonly ListFilter[];
  onChange: (filters: ListFilter[]) => void;
}) {
  const fields = filterableFields(type.definition.attributes);
  const [opened, setOpened] = useState(false);
  const [field, setField] = useState<string | null>(fields[0]?.[0] ?? null);
  const attribute = field ? type.definition.attributes[field] : undefined;
  const operators = attribute ? operatorsFor(attribute) : [];
  const [operator, setOperator] = useState<string | null>(null);
  const op = operator && operators.includes(operator) ? operator : (operators[0] ?? null);
  const [value, setValue] = useState('');
  if (fields.length === 0) return null;

  const valueInput = () => {
    if (!attribute || !op || !takesValue(op)) return null;
    if (attribute.type === 'boolean')
      return (
        <Select
          label="Value"
          data={['true', 'false']}
          value={value || null}
          onChange={(v) => setValue(v ?? '')}
        />
      );
    if (attribute.type === 'enumeration')
      return (
        <Select
          label="Value"
          data={[...(attribute.enum ?? [])]}
          value={value || null}
          onChange={(v) => setValue(v ?? '')}
        />
      );
    const inputType =
      attribute.type === 'date' ? 'date' : attribute.type === 'datetime' ? 'datetime-local' : 'text';
    return (
      <TextInput
        label="Value"
        type={inputType}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
      />
    );
  };
  const add = () => {
    if (!field || !op) return;
    const v = attribute?.type === 'datetime' && value ? new Date(value).toISOString() : value;
    onChange([...filters, { field, operator: op, value: v }]);
    setValue('');
    setOpened(false);
  };

  return (
    <Group gap="xs">
      <Popover opened={opened} onChange={setOpened} position="bottom-start" trapFocus withArrow>
        <Popover.Target>
          <Button variant="default" onClick={() => setOpened((o) => !o)}>
            Filters
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack w={260}>
            <Select
              label="Field"
              data={fields.map(([name]) => ({ value: name, label: labelOf(name) }))}
              value={field}
              onChange={(v) => {
                setField(v);
                setOperator(null);
                setValue('');
              }}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
            />
            <Select
              label="Condition"
              data={operators.map((o) => ({ value: o, label: OPERATOR_LABELS[o] }))}
              value={op}
              onChange={setOperator}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
            />
            {valueInput()}
            <Button onClick={add} disabled={!op || (takesValue(op) && value === '')}>
              Add filter
            </Button>
          </Stack>
        </Popover.Dropdown>
      </Popover>
      {filters.map((f, i) => (
        // A button per filter (Mantine's Pill hides its remove button from assistive technology).
        <Button
          key={`${f.field}${f.operator}${f.value}${i}`}
          size="xs"
          variant="light"
          rightSection="✕"
          aria-label={`Remove filter ${labelOf(f.field)} ${OPERATOR_LABELS[f.operator]} ${f.value}`.trim()}
          onClick={() => onChange(filters.filter((_, j) => j !== i))}
        >
          {labelOf(f.field)} {OPERATOR_LABELS[f.operator]} {takesValue(f.operator) ? f.value : ''}
        </Button>
      ))}
    </Group>
  );
}
