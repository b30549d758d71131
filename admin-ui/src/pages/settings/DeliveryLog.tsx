import { Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../api/form-errors';
import { settingsApi, type DeliveryStatus } from '../../api/settings';
import { DataTable } from '../../components/DataTable';
import { Pager } from '../../components/Pager';

const COLORS: Record<DeliveryStatus, string> = {
  pending: 'blue',
  delivering: 'cyan',
  delivered: 'green',
  dead: 'red',
};

/** A webhook's deliveries, newest first, refreshing while shown: status, attempts, retry time, replay. */
export function DeliveryLog({ webhookId, mayReplay }: { webhookId: number; mayReplay: boolean }) {
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<'all' | DeliveryStatus>('all');
  const key = ['deliveries', webhookId, page, status];
  const deliveries = useQuery({
    queryKey: key,
    queryFn: () => settingsApi.deliveries(webhookId, { page, status: status === 'all' ? undefined : status }),
    refetchInterval: 3000,
    throwOnError: true,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['deliveries', webhookId] });
  const replay = useMutation({
    mutationFn: (deliveryId: number) => settingsApi.replayDelivery(webhookId, deliveryId),
    onSuccess: () => notifications.show({ color: 'green', message: 'Queued for another delivery' }),
    onError: (e) => showApiError(e),
    onSettled: refresh,
  });
  const replayDead = useMutation({
    mutationFn: () => settingsApi.replayDead(webhookId),
    onSuccess: ({ replayed }) =>
      notifications.show({ color: 'green', message: `${replayed} dead letters queued again` }),
    onError: (e) => showApiError(e),
    onSettled: refresh,
  });

  return (
    <Stack>
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Delivery status"
          value={status}
          onChange={(v) => {
            setStatus(v as typeof status);
            setPage(1);
          }}
          data={['all', 'pending', 'delivering', 'delivered', 'dead']}
          size="xs"
        />
        {mayReplay && (
          <Button
            size="xs"
            variant="light"
            onClick={() => replayDead.mutate()}
            loading={replayDead.isPending}
          >
            Replay dead letters
          </Button>
        )}
      </Group>
      <DataTable
        label="Deliveries"
        minWidth={720}
        columns={['Event', 'Status', 'Attempts', 'Last answer', 'Created', 'Next attempt', '']}
        loading={deliveries.isLoading}
        rows={deliveries.data?.results}
        empty="No deliveries"
        withBorder={false}
      >
        {(d) => (
          <Table.Tr key={d.id}>
            <Table.Td>{d.event}</Table.Td>
            <Table.Td>
              <Badge color={COLORS[d.status]} variant="light">
                {d.status}
              </Badge>
            </Table.Td>
            <Table.Td>{d.attempts}</Table.Td>
            <Table.Td>
              {d.lastStatusCode ?? ''}{' '}
              {d.lastError ? (
                <Text span size="xs" c="red">
                  {d.lastError}
                </Text>
              ) : null}
              {d.latencyMs !== null && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  {d.latencyMs} ms
                </Text>
              )}
            </Table.Td>
            <Table.Td>{new Date(d.createdAt).toLocaleString()}</Table.Td>
            <Table.Td>{d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleTimeString() : '—'}</Table.Td>
            <Table.Td>
              {mayReplay && (d.status === 'delivered' || d.status === 'dead') && (
                <Button size="xs" variant="subtle" onClick={() => replay.mutate(d.id)}>
                  Replay
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      </DataTable>
      <Pager page={page} pageCount={deliveries.data?.pagination.pageCount ?? 0} onChange={setPage} />
    </Stack>
  );
}
