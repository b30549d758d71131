import { Checkbox, Paper, SimpleGrid, Title } from '@mantine/core';

/** A role's permissions that are not per content type (settings, auth routes): one checkbox each. */
export function ActionChecklist({
  title,
  actions,
  labelOf = (action) => action,
  checked,
  onToggle,
  disabled,
}: {
  readonly title: string;
  readonly actions: readonly string[];
  readonly labelOf?: (action: string) => string;
  readonly checked: (action: string) => boolean;
  readonly onToggle: (action: string) => void;
  readonly disabled: boolean;
}) {
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {actions.map((action) => (
          <Checkbox
            key={action}
            label={labelOf(action)}
            checked={checked(action)}
            onChange={() => onToggle(action)}
            disabled={disabled}
          />
        ))}
      </SimpleGrid>
    </Paper>
  );
}
