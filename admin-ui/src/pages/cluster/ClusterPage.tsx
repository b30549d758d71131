import { LineChart } from '@mantine/charts';
import { Alert, Badge, Group, Paper, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { clusterApi, type ClusterStatus, type NodeMetricsSummary } from '../../api/cluster';
import { DataTable } from '../../components/DataTable';
import { PanelBoundary } from '../../components/PanelBoundary';
import { useMetricHistory, type Sample } from './useMetricHistory';

const POLL_MS = 3000;

/** The cluster dashboard: nodes, leader and fencing token, bus latency, traffic and outbox, live. */
export function ClusterPage() {
  const cluster = useQuery({ queryKey: ['cluster'], queryFn: clusterApi.status, refetchInterval: POLL_MS });
  // A failing metrics request only blanks the charts' panels (they throw into their own boundaries).
  const metrics = useQuery({
    queryKey: ['cluster-metrics'],
    queryFn: clusterApi.metrics,
    refetchInterval: POLL_MS,
  });
  const samples = useMetricHistory(metrics.data, cluster.data);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Cluster</Title>
        <Text size="sm" c="dimmed">
          Refreshes every {POLL_MS / 1000} s{cluster.data ? ` · answered by ${cluster.data.nodeId}` : ''}
        </Text>
      </Group>
      <PanelBoundary label="The cluster status">
        <StatusPanels status={cluster.data} error={cluster.error} metrics={metrics.data} />
      </PanelBoundary>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartPanel
          title="Requests per second"
          error={metrics.error}
          samples={samples}
          series={[
            { name: 'requestsPerSecond', label: 'Requests/s', color: 'indigo.6' },
            { name: 'errorsPerSecond', label: '5xx/s', color: 'red.6' },
          ]}
        />
        <ChartPanel
          title="Bus latency (ms)"
          error={cluster.error}
          samples={samples}
          series={[
            { name: 'busP50', label: 'p50', color: 'teal.6' },
            { name: 'busP99', label: 'p99', color: 'orange.6' },
          ]}
        />
        <ChartPanel
          title="Outbox backlog"
          error={metrics.error}
          samples={samples}
          series={[
            { name: 'outboxEvents', label: 'Events', color: 'grape.6' },
            { name: 'outboxDeliveries', label: 'Webhook deliveries', color: 'cyan.6' },
          ]}
        />
      </SimpleGrid>
    </Stack>
  );
}

function StatusPanels({
  status,
  error,
  metrics,
}: {
  status?: ClusterStatus;
  error: unknown;
  metrics?: NodeMetricsSummary;
}) {
  if (error) throw error;
  if (!status) return <Skeleton h={220} />;
  const hits = metrics?.planCache?.hits ?? null;
  const misses = metrics?.planCache?.misses ?? null;
  const ratio =
    hits !== null && misses !== null && hits + misses > 0
      ? `${Math.round((hits / (hits + misses)) * 100)}%`
      : '—';
  const differing = new Set(status.keys?.differingNodes ?? []);
  return (
    <Stack>
      {differing.size > 0 && <KeyMismatchAlert status={status} />}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Stat
          label="Nodes alive"
          value={`${status.nodes.filter((n) => n.alive).length} / ${status.nodes.length}`}
        />
        <Stat
          label="Leader"
          value={status.leader ? status.leader.nodeId : 'None'}
          detail={status.leader ? `Fencing token ${status.leader.fencingToken}` : 'No node holds the lease'}
        />
        <Stat
          label={`Bus (${status.bus.kind})`}
          value={status.bus.latencyMs.p50 === null ? '—' : `${status.bus.latencyMs.p50} ms p50`}
          detail={
            status.bus.latencyMs.p99 === null
              ? 'No samples yet'
              : `${status.bus.latencyMs.p99} ms p99 · ${status.bus.latencyMs.samples} samples`
          }
        />
        <Stat
          label="Plan cache hit ratio"
          value={ratio}
          detail={metrics ? `On ${metrics.nodeId}` : undefined}
        />
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Nodes
        </Title>
        <DataTable
          minWidth={700}
          columns={['Node', 'Health', 'Address', 'Version', 'Started', 'Last heartbeat']}
          rows={status.nodes}
          withBorder={false}
        >
          {(node) => (
            <Table.Tr key={node.id}>
              <Table.Td>
                <Group gap="xs">
                  <Text size="sm" ff="monospace">
                    {node.id}
                  </Text>
                  {status.leader?.nodeId === node.id && <Badge size="sm">Leader</Badge>}
                  {differing.has(node.id) && (
                    <Badge size="sm" color="red">
                      Other secret
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Badge color={node.alive ? 'green' : 'red'} variant="light">
                  {node.alive ? 'Alive' : 'Missing'}
                </Badge>
              </Table.Td>
              <Table.Td>
                {node.host}:{node.port}
              </Table.Td>
              <Table.Td>{node.version}</Table.Td>
              <Table.Td>{new Date(node.startedAt).toLocaleString()}</Table.Td>
              <Table.Td>{new Date(node.heartbeatAt).toLocaleTimeString()}</Table.Td>
            </Table.Tr>
          )}
        </DataTable>
      </Paper>
    </Stack>
  );
}

function Stat({ label, value, detail }: { label: string; value: ReactNode; detail?: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={700} size="lg" truncate>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

function ChartPanel({
  title,
  samples,
  series,
  error,
}: {
  title: string;
  samples: Sample[];
  series: { name: keyof Sample; label: string; color: string }[];
  error: unknown;
}) {
  return (
    <Paper withBorder p="md" aria-label={title} component="section">
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      <PanelBoundary label={title}>
        <Chart samples={samples} series={series} error={error} />
      </PanelBoundary>
    </Paper>
  );
}

function Chart({
  samples,
  series,
  error,
}: {
  samples: Sample[];
  series: { name: keyof Sample; label: string; color: string }[];
  error: unknown;
}) {
  if (error) throw error;
  if (samples.length < 2) return <Skeleton h={180} />;
  return (
    <LineChart
      h={180}
      data={samples as unknown as Record<string, unknown>[]}
      dataKey="time"
      series={series.map((s) => ({ name: s.name, label: s.label, color: s.color }))}
      curveType="monotone"
      withDots={false}
      connectNulls
      withLegend
    />
  );
}

/**
 * Nodes started with another QUORUM_SECRET refuse readiness (they would answer 401 to the cluster's
 * tokens): say which, and what to do.
 */
function KeyMismatchAlert({ status }: { status: ClusterStatus }) {
  const keys = status.keys!;
  const nodes = keys.differingNodes.join(', ');
  return (
    <Alert color="red" title="Nodes with a different QUORUM_SECRET">
      {keys.selfDiffers
        ? `This node (${status.nodeId}) was started with another QUORUM_SECRET than the rest of the cluster.`
        : `${nodes} ${keys.differingNodes.length === 1 ? 'was' : 'were'} started with another QUORUM_SECRET.`}{' '}
      They refuse readiness (load balancers send them no traffic) and reject the cluster&apos;s tokens and
      sessions. Restart them with the same QUORUM_SECRET as the other nodes.
    </Alert>
  );
}
