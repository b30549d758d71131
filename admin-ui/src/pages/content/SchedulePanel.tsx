import { Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { documentsApi } from '../../api/documents';
import { showApiError } from '../../api/form-errors';
import { PanelBoundary } from '../../components/PanelBoundary';

/** Scheduled publication and unpublication of one document (the leader node carries them out). */
export function SchedulePanel(props: { uid: string; documentId: string }) {
  return (
    <PanelBoundary label="Scheduled publication">
      <Schedule {...props} />
    </PanelBoundary>
  );
}

function Schedule({ uid, documentId }: { uid: string; documentId: string }) {
  const queryClient = useQueryClient();
  const [at, setAt] = useState('');
  const [action, setAction] = useState<'publish' | 'unpublish'>('publish');
  const key = ['scheduled', uid, documentId];
  const scheduled = useQuery({
    queryKey: key,
    queryFn: () => documentsApi.scheduled(uid, documentId),
    throwOnError: true,
  });
  const schedule = useMutation({
    mutationFn: () => documentsApi.schedule({ uid, documentId, action, at: new Date(at).toISOString() }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: `Scheduled to ${action}` });
      setAt('');
    },
    onError: (e) => showApiError(e),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const cancel = useMutation({
    mutationFn: (id: number) => documentsApi.cancelScheduled(id),
    onError: (e) => showApiError(e),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const pending = scheduled.data?.data ?? [];

  return (
    <Paper withBorder p="lg">
      <Stack>
        <Title order={2} size="h4">
          Schedule
        </Title>
        <Group align="flex-end">
          <Select
            label="Action"
            data={[
              { value: 'publish', label: 'Publish' },
              { value: 'unpublish', label: 'Unpublish' },
            ]}
            value={action}
            onChange={(v) => setAction((v as 'publish' | 'unpublish') ?? 'publish')}
            allowDeselect={false}
            w={140}
          />
          <TextInput
            label="At"
            type="datetime-local"
            value={at}
            onChange={(e) => setAt(e.currentTarget.value)}
          />
          <Button onClick={() => schedule.mutate()} disabled={!at} loading={schedule.isPending}>
            Schedule
          </Button>
        </Group>
        {pending.length > 0 ? (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pending.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.action}</Table.Td>
                  <Table.Td>{new Date(s.dueAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" onClick={() => cancel.mutate(s.id)}>
                      Cancel
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            Nothing scheduled
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
