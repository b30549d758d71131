import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { builderApi } from '../../api/builder';
import type { AttributeDefinition, ModelInfo } from '../../api/content-types';
import { showApiError } from '../../api/form-errors';
import { AttributeModal } from './AttributeModal';
import { applyChange } from './apply-change';

/**
 * One type or component: its fields, edited locally (add, remove) and applied together with Save.
 * Types defined by files of the app are shown read-only: the server refuses to change them.
 */
export function ModelEditor({
  model,
  contentTypes,
  components,
  mayWrite,
}: {
  model: ModelInfo;
  contentTypes: readonly ModelInfo[];
  components: readonly ModelInfo[];
  mayWrite: boolean;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [attributes, setAttributes] = useState<Record<string, AttributeDefinition>>({
    ...model.definition.attributes,
  });
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = model.editable && mayWrite;
  const changed = JSON.stringify(attributes) !== JSON.stringify(model.definition.attributes);

  const refresh = () =>
    // Both the builder's lists and the content manager's schema: the sidebar and forms follow at once.
    queryClient.invalidateQueries({ queryKey: ['schema'] });
  const run = async (work: () => Promise<boolean>, message: string) => {
    setBusy(true);
    try {
      if (await work()) {
        await refresh();
        notifications.show({ color: 'green', message });
        return true;
      }
    } catch (e) {
      showApiError(e);
    } finally {
      setBusy(false);
    }
    return false;
  };
  const save = () =>
    run(
      () =>
        applyChange((options) =>
          builderApi.update(model.modelType, model.uid, { ...model.definition, attributes }, options),
        ),
      `${model.definition.info.displayName} saved: live on every node`,
    );
  const remove = async () => {
    const done = await run(
      () => applyChange((options) => builderApi.remove(model.modelType, model.uid, options)),
      `${model.definition.info.displayName} deleted`,
    );
    if (done) navigate('/builder');
  };

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Group gap="xs">
            <Title order={2}>{model.definition.info.displayName}</Title>
            <Badge variant="light">
              {model.modelType === 'component'
                ? 'Component'
                : model.kind === 'singleType'
                  ? 'Single type'
                  : 'Collection type'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" ff="monospace">
            {model.uid}
          </Text>
        </div>
        {editable && (
          <Group gap="xs">
            <Button variant="subtle" color="red" onClick={() => void remove()} disabled={busy}>
              Delete
            </Button>
            <Button variant="default" onClick={() => setAdding(true)}>
              Add a field
            </Button>
            <Button onClick={() => void save()} loading={busy} disabled={!changed}>
              Save
            </Button>
          </Group>
        )}
      </Group>
      {!model.editable && (
        <Alert color="gray" variant="light">
          Defined by a file of the app: change that file to change this type.
        </Alert>
      )}
      <Paper withBorder>
        <Table aria-label="Fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(attributes).map(([name, a]) => (
              <Table.Tr key={name}>
                <Table.Td ff="monospace">{name}</Table.Td>
                <Table.Td>
                  <Badge variant="outline">{a.type}</Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {details(a)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {editable && (
                    <Tooltip label="Remove field">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove field ${name}`}
                        onClick={() => {
                          const next = { ...attributes };
                          delete next[name];
                          setAttributes(next);
                        }}
                      >
                        ✕
                      </ActionIcon>
                    </Tooltip>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {Object.keys(attributes).length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text c="dimmed" ta="center" py="md">
                    No fields yet
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      {changed && (
        <Text size="sm" c="orange">
          Unsaved changes: Save applies them to every node of the cluster.
        </Text>
      )}
      {adding && (
        <AttributeModal
          taken={Object.keys(attributes)}
          contentTypes={contentTypes}
          components={components.filter((c) => c.uid !== model.uid)}
          attributeNames={Object.entries(attributes)
            .filter(([, a]) => a.type === 'string' || a.type === 'text')
            .map(([n]) => n)}
          onClose={() => setAdding(false)}
          onAdd={(name, attribute) => {
            setAttributes({ ...attributes, [name]: attribute });
            setAdding(false);
          }}
        />
      )}
    </Stack>
  );
}

function details(a: AttributeDefinition): string {
  const parts: string[] = [];
  if (a.required) parts.push('required');
  if (a.unique) parts.push('unique');
  if (a.enum) parts.push(a.enum.join(' | '));
  if (a.target) parts.push(`${a.relation} → ${a.target}`);
  if (a.component) parts.push(`${a.component}${a.repeatable ? ' (repeatable)' : ''}`);
  if (a.components) parts.push(a.components.join(', '));
  if (a.targetField) parts.push(`from ${a.targetField}`);
  return parts.join(' · ');
}
