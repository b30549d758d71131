import { Button, Fieldset, Group, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { fromSimpleBlocks, toSimpleBlocks, type SimpleBlock, type SimpleKind } from './blocks';
import { EntryControls } from './EntryControls';
import { JsonField } from './JsonField';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

const KINDS = [
  { value: 'paragraph', label: 'Paragraph' },
  { value: 'heading-1', label: 'Heading 1' },
  { value: 'heading-2', label: 'Heading 2' },
  { value: 'heading-3', label: 'Heading 3' },
  { value: 'quote', label: 'Quote' },
  { value: 'code', label: 'Code' },
  { value: 'list-unordered', label: 'Bulleted list' },
  { value: 'list-ordered', label: 'Numbered list' },
];
const kindValue = (b: SimpleBlock) => (b.kind === 'heading' ? `heading-${b.level ?? 2}` : b.kind);
const fromKindValue = (value: string, text: string): SimpleBlock =>
  value.startsWith('heading-')
    ? { kind: 'heading', level: Number(value.slice(8)), text }
    : { kind: value as SimpleKind, text };

/**
 * The blocks format, edited as a list of blocks (paragraphs, headings, quotes, code, lists) or as JSON.
 * The form keeps the JSON text either way (see form-values.ts); content the simple view cannot show
 * opens in JSON.
 */
export function BlocksField(props: FieldProps & { label: string }) {
  const { form, path, label, disabled } = props;
  const raw = String(valueAt(form.getValues(), path) ?? '');
  let parsed: unknown;
  try {
    parsed = raw.trim() ? JSON.parse(raw) : [];
  } catch {
    parsed = undefined;
  }
  const simple = parsed === undefined ? null : toSimpleBlocks(parsed);
  const [mode, setMode] = useState<'blocks' | 'json'>(simple ? 'blocks' : 'json');
  const set = (blocks: SimpleBlock[]) =>
    form.setFieldValue(path, blocks.length ? JSON.stringify(fromSimpleBlocks(blocks), null, 2) : '');

  return (
    <Fieldset legend={label} disabled={disabled}>
      <Stack>
        <SegmentedControl
          aria-label={`${label} editor`}
          size="xs"
          value={mode}
          onChange={(v) => setMode(v as 'blocks' | 'json')}
          data={[
            { value: 'blocks', label: 'Blocks', disabled: simple === null },
            { value: 'json', label: 'JSON' },
          ]}
          w={200}
        />
        {mode === 'json' || simple === null ? (
          <>
            {simple === null && parsed !== undefined && (
              <Text size="xs" c="dimmed">
                This content uses formatting the block editor does not show (links, mixed styles, images):
                edit it as JSON.
              </Text>
            )}
            <JsonField {...props} label={`${label} (JSON)`} />
          </>
        ) : (
          <>
            {simple.map((block, i) => (
              <Group key={i} align="flex-start" wrap="nowrap">
                <Select
                  aria-label={`Block ${i + 1} type`}
                  data={KINDS}
                  value={kindValue(block)}
                  onChange={(v) =>
                    set(simple.map((b, j) => (j === i ? fromKindValue(v ?? 'paragraph', b.text) : b)))
                  }
                  allowDeselect={false}
                  w={150}
                />
                <Textarea
                  aria-label={`Block ${i + 1} text`}
                  description={block.kind.startsWith('list') ? 'One item per line' : undefined}
                  value={block.text}
                  onChange={(e) => {
                    const text = e.currentTarget.value;
                    set(simple.map((b, j) => (j === i ? { ...b, text } : b)));
                  }}
                  autosize
                  minRows={1}
                  style={{ flex: 1 }}
                  ff={block.kind === 'code' ? 'monospace' : undefined}
                />
                <EntryControls
                  index={i}
                  count={simple.length}
                  name={`block ${i + 1}`}
                  onMove={(from, to) => {
                    const next = [...simple];
                    next.splice(to, 0, ...next.splice(from, 1));
                    set(next);
                  }}
                  onRemove={() => set(simple.filter((_, j) => j !== i))}
                  disabled={disabled}
                />
              </Group>
            ))}
            <Group>
              <Button
                size="xs"
                variant="light"
                onClick={() => set([...simple, { kind: 'paragraph', text: '' }])}
              >
                Add a block to {label}
              </Button>
            </Group>
            {form.errors[path] && (
              <Text c="red" size="sm">
                {form.errors[path]}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Fieldset>
  );
}
