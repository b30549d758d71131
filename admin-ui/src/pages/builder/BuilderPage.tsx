import { Button, Group, NavLink, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { NavLink as RouterLink, useNavigate, useParams } from 'react-router';
import { useBuilderComponents, useBuilderTypes, type ModelInfo } from '../../api/content-types';
import { useCan } from '../../auth/permissions';
import { ModelEditor } from './ModelEditor';
import { NewModelModal } from './NewModelModal';

/** The content-type builder: every type and component, and the editor of the chosen one. */
export function BuilderPage() {
  const { uid } = useParams();
  const navigate = useNavigate();
  const can = useCan();
  const types = useBuilderTypes();
  const components = useBuilderComponents();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const mayWrite = can('plugin::content-type-builder.write');
  const all = [...(types.data ?? []), ...(components.data ?? [])];
  const selected = all.find((m) => m.uid === uid);
  const item = (m: ModelInfo) => (
    <NavLink
      key={m.uid}
      component={RouterLink}
      to={`/builder/${m.uid}`}
      label={m.definition.info.displayName}
      description={m.editable ? undefined : 'from a file'}
      active={m.uid === uid}
    />
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Content-type builder</Title>
        {mayWrite && <Button onClick={() => setCreating(true)}>Create a type</Button>}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Paper withBorder p="xs" component="nav" aria-label="Types and components">
          {types.isLoading && <Skeleton h={120} />}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">
            Content types
          </Text>
          {(types.data ?? []).map(item)}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md">
            Components
          </Text>
          {(components.data ?? []).map(item)}
        </Paper>
        <div style={{ gridColumn: 'span 3' }}>
          {selected ? (
            <ModelEditor
              // A saved change refreshes the registry; the editor restarts from what the server holds.
              key={`${selected.uid}:${JSON.stringify(selected.definition.attributes)}`}
              model={selected}
              contentTypes={types.data ?? []}
              components={components.data ?? []}
              mayWrite={mayWrite}
            />
          ) : (
            <Text c="dimmed">Choose a type or component, or create one.</Text>
          )}
        </div>
      </SimpleGrid>
      {creating && (
        <NewModelModal
          onClose={() => setCreating(false)}
          onCreated={async (newUid) => {
            setCreating(false);
            await queryClient.invalidateQueries({ queryKey: ['schema'] });
            navigate(`/builder/${newUid}`);
          }}
        />
      )}
    </Stack>
  );
}
