import { Box, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { MediaFile } from '../../api/media';
import { useCan } from '../../auth/permissions';
import { FileThumbnail } from '../media/FileThumbnail';
import { MediaPickerModal } from '../media/MediaPickerModal';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

/**
 * A media attribute: the chosen files' thumbnails, a picker over the media library (choose or upload),
 * and, for a multiple field, removal and reordering with buttons (usable from the keyboard). The form
 * keeps file objects; the payload sends their ids (form-values.ts).
 */
export function MediaField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const can = useCan();
  const [picking, setPicking] = useState(false);
  const multiple = attribute.multiple === true;
  const value = valueAt(form.getValues(), path) as MediaFile[] | MediaFile | null | undefined;
  const files: MediaFile[] = Array.isArray(value) ? value : value ? [value] : [];
  const set = (next: MediaFile[]) => form.setFieldValue(path, multiple ? next : (next[0] ?? null));
  const move = (from: number, to: number) => {
    const next = [...files];
    next.splice(to, 0, ...next.splice(from, 1));
    set(next);
  };
  const error = (valueAt(form.errors, path) as string | undefined) ?? form.errors[path];
  const mayPick = !disabled && can('plugin::upload.read');

  return (
    <Box role="group" aria-label={label}>
      <Text size="sm" fw={500}>
        {label}
        {attribute.required && (
          <Text span c="red" aria-hidden>
            {' *'}
          </Text>
        )}
      </Text>
      <Stack gap="xs" mt={4}>
        {files.length === 0 && (
          <Text size="sm" c="dimmed">
            No file
          </Text>
        )}
        {files.map((file, index) => (
          <Paper key={file.id} withBorder p={6} radius="sm">
            <Group gap="sm" wrap="nowrap">
              <Box w={64} style={{ flexShrink: 0 }}>
                <FileThumbnail file={file} height={48} />
              </Box>
              <Text size="sm" truncate style={{ flex: 1 }}>
                {file.name}
              </Text>
              {!disabled && multiple && (
                <>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    disabled={index === 0}
                    aria-label={`Move ${file.name} up`}
                    onClick={() => move(index, index - 1)}
                  >
                    ↑
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    disabled={index === files.length - 1}
                    aria-label={`Move ${file.name} down`}
                    onClick={() => move(index, index + 1)}
                  >
                    ↓
                  </Button>
                </>
              )}
              {!disabled && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${file.name} from ${label}`}
                  onClick={() => set(files.filter((f) => f.id !== file.id))}
                >
                  Remove
                </Button>
              )}
            </Group>
          </Paper>
        ))}
        {mayPick && (
          <Group>
            <Button size="xs" variant="light" onClick={() => setPicking(true)}>
              {files.length === 0 ? `Choose ${label}` : `Change ${label}`}
            </Button>
          </Group>
        )}
        {error && (
          <Text size="xs" c="red">
            {error}
          </Text>
        )}
      </Stack>
      {picking && (
        <MediaPickerModal
          title={`${label}: choose ${multiple ? 'files' : 'a file'}`}
          multiple={multiple}
          initial={files}
          onClose={() => setPicking(false)}
          onChoose={(chosen) => {
            set(chosen);
            setPicking(false);
          }}
        />
      )}
    </Box>
  );
}
