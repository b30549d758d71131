import { ActionIcon, Group, Tooltip } from '@mantine/core';

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
