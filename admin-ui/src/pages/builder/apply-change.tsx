import { List, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { ChangeStep } from '../../api/builder';

/**
 * Runs a schema change the safe way: a dry run first; when the plan deletes something (a column, a
 * table, links), the admin sees what and confirms before the change is applied with `confirm`.
 * Resolves to false when the admin cancelled.
 */
export async function applyChange(
  change: (options: { dryRun?: boolean; confirm?: boolean }) => Promise<{ meta: { steps: ChangeStep[] } }>,
): Promise<boolean> {
  // The dry run carries `confirm` so the server answers with the whole plan, destructive steps
  // included, instead of refusing them (a dry run changes nothing either way).
  const plan = await change({ dryRun: true, confirm: true });
  const destructive = plan.meta.steps.filter((s) => s.destructive);
  if (destructive.length > 0 && !(await confirmDestructive(destructive))) return false;
  await change({ confirm: destructive.length > 0 });
  return true;
}

function confirmDestructive(steps: ChangeStep[]): Promise<boolean> {
  return new Promise((resolve) =>
    modals.openConfirmModal({
      title: 'This change deletes data',
      children: (
        <Stack gap="xs">
          <Text size="sm">Applying it will, on every node of the cluster:</Text>
          <List size="sm">
            {steps.map((s) => (
              <List.Item key={s.description}>{s.description}</List.Item>
            ))}
          </List>
          <Text size="sm" fw={600}>
            This cannot be undone.
          </Text>
        </Stack>
      ),
      labels: { confirm: 'Delete the data and apply', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
    }),
  );
}
