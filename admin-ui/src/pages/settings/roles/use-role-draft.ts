import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState } from 'react';
import { showApiError } from '../../../api/form-errors';

/** A role's permissions being edited: key → grant, saved together in one request. */
export interface RoleDraft<V> {
  /** The edited permissions, or the stored ones until the first change. */
  readonly current: ReadonlyMap<string, V>;
  /** Changed since loading or the last save. */
  readonly dirty: boolean;
  readonly change: (next: Map<string, V>) => void;
  /** Grants `key` as `granted` when it is not granted yet, or removes it. */
  readonly toggle: (key: string, granted: V) => void;
  readonly save: () => void;
  readonly saving: boolean;
}

/**
 * The edits to a role's permissions, kept on screen until Save sends them all; then the stored ones
 * (`queryKey`) are fetched again and "<name> saved" is shown, or the server's refusal.
 */
export function useRoleDraft<V>({
  stored,
  queryKey,
  name,
  send,
}: {
  /** The stored permissions by key; undefined until loaded. */
  readonly stored: ReadonlyMap<string, V> | undefined;
  readonly queryKey: QueryKey;
  readonly name: string;
  readonly send: (permissions: ReadonlyMap<string, V>) => Promise<unknown>;
}): RoleDraft<V> {
  const queryClient = useQueryClient();
  const [edited, setEdited] = useState<Map<string, V> | null>(null);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: async () => {
      setEdited(null);
      await queryClient.invalidateQueries({ queryKey });
      notifications.show({ color: 'green', message: `${name} saved` });
    },
    onError: (e) => showApiError(e),
  });
  const current = edited ?? stored ?? new Map<string, V>();
  return {
    current,
    dirty: edited !== null,
    change: setEdited,
    toggle: (key, granted) => {
      const next = new Map(current);
      if (next.has(key)) next.delete(key);
      else next.set(key, granted);
      setEdited(next);
    },
    save: () => mutation.mutate(current),
    saving: mutation.isPending,
  };
}
