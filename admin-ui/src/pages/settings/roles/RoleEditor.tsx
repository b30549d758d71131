import { Alert, Button, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RoleDraft } from './use-role-draft';

/**
 * The frame of one role's permissions: its name and description, Save (only for an admin who may change
 * the role; enabled once something changed), then the permission tables.
 */
export function RoleEditor({
  title,
  description,
  editable,
  draft,
  children,
}: {
  readonly title: string;
  readonly description?: string | null;
  readonly editable: boolean;
  readonly draft: Pick<RoleDraft<unknown>, 'dirty' | 'save' | 'saving'>;
  readonly children: ReactNode;
}) {
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2} size="h3">
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {editable && (
          <Button onClick={draft.save} loading={draft.saving} disabled={!draft.dirty}>
            Save
          </Button>
        )}
      </Group>
      {children}
    </Stack>
  );
}

/** In place of the editor while the role's permissions load, or when they could not be loaded. */
export function RoleUnavailable({ error }: { readonly error: unknown }) {
  if (error) return <Alert color="red">The role could not be loaded: {String(error)}</Alert>;
  return <Skeleton h={300} />;
}
