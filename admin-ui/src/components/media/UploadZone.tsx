import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { ApiError } from '../../api/client';
import { mediaApi, type MediaFile } from '../../api/media';

interface Upload {
  readonly key: number;
  readonly name: string;
  readonly progress: number;
  readonly error?: string;
  readonly done?: boolean;
}

interface Props {
  /** Called with each file the server stored (the media field's picker selects them). */
  readonly onUploaded?: (file: MediaFile) => void;
}

let nextKey = 0;

/**
 * Drop files here or pick them: each is uploaded on its own request, so each has its own progress bar
 * and its own error, and a failing file does not stop the others.
 */
export function UploadZone({ onUploaded }: Props) {
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);

  const patch = (key: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const start = (files: FileList | null) => {
    if (!files?.length) return;
    const batch = [...files].map((file) => ({ file, key: nextKey++ }));
    setUploads((list) => [
      ...list.filter((u) => !u.done),
      ...batch.map(({ file, key }) => ({ key, name: file.name, progress: 0 })),
    ]);
    for (const { file, key } of batch)
      mediaApi
        .upload(file, (fraction) => patch(key, { progress: fraction }))
        .then((stored) => {
          patch(key, { progress: 1, done: true });
          onUploaded?.(stored);
          void queryClient.invalidateQueries({ queryKey: ['media'] });
        })
        .catch((e: unknown) =>
          patch(key, { error: e instanceof ApiError || e instanceof Error ? e.message : String(e) }),
        );
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    start(event.dataTransfer.files);
  };

  return (
    <Stack gap="xs">
      <Paper
        withBorder
        p="lg"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        // Moving over the zone's own children fires dragleave too: only leaving the zone ends the highlight.
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: dragging ? 'var(--mantine-color-blue-filled)' : undefined,
          background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
        }}
        aria-label="Upload files: drop them here or choose them"
        role="group"
      >
        <Group justify="center" gap="sm">
          <Text c="dimmed">Drag and drop files here, or</Text>
          <Button variant="light" onClick={() => input.current?.click()}>
            Choose files
          </Button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Files to upload"
            onChange={(e) => {
              start(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
        </Group>
      </Paper>
      {uploads.map((u) => (
        <div key={u.key}>
          <Group justify="space-between" gap="xs">
            <Text size="sm" truncate>
              {u.name}
            </Text>
            <Text size="xs" c={u.error ? 'red' : 'dimmed'}>
              {u.error ?? (u.done ? 'Uploaded' : `${Math.round(u.progress * 100)}%`)}
            </Text>
          </Group>
          <Progress
            value={u.progress * 100}
            color={u.error ? 'red' : u.done ? 'green' : 'blue'}
            aria-label={`Upload of ${u.name}`}
            size="sm"
          />
        </div>
      ))}
    </Stack>
  );
}
