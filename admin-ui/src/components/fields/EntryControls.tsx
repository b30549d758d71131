import { ActionIcon, Fieldset, Group, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { DocumentForm } from './types';

/** Move up, move down and remove buttons of one entry in a repeatable component or dynamic zone. */
export function EntryControls({
  index,
  count,
  name,
  onMove,
  onRemove,
  disabled,
}: {
  index: number;
  count: number;
  /** Names the entry for screen readers ("Move Quote 2 up"). */
  name: string;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
  disabled?: boolean;
}) {
  const button = (label: string, glyph: string, action: () => void, off: boolean, color?: string) => (
    <Tooltip label={label}>
      <ActionIcon
        variant="subtle"
        color={color}
        aria-label={`${label} ${name}`}
        onClick={action}
        disabled={off || disabled}
      >
        {glyph}
      </ActionIcon>
    </Tooltip>
  );
  return (
    <Group gap={2}>
      {button('Move up', '↑', () => onMove(index, index - 1), index === 0)}
      {button('Move down', '↓', () => onMove(index, index + 1), index === count - 1)}
      {button('Remove', '✕', onRemove, false, 'red')}
    </Group>
  );
}

/**
 * One entry of a repeatable component or a dynamic zone in the edit form: a titled box with its move and
 * remove controls, holding the entry's fields.
 */
export function ListEntry({
  form,
  path,
  index,
  count,
  title,
  name,
  disabled,
  children,
}: {
  form: DocumentForm;
  /** The form path of the list the entry belongs to. */
  path: string;
  index: number;
  count: number;
  title: ReactNode;
  /** Names the entry for screen readers ("Move up Quote 2"). */
  name: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Fieldset
      variant="filled"
      legend={
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {title}
          </Text>
          <EntryControls
            index={index}
            count={count}
            name={name}
            onMove={(from, to) => form.reorderListItem(path, { from, to })}
            onRemove={() => form.removeListItem(path, index)}
            disabled={disabled}
          />
        </Group>
      }
    >
      {children}
    </Fieldset>
  );
}
