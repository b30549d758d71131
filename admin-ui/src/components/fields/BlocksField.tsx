import { Button, Fieldset, Group, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { useRef, useState } from 'react';
import { fromSimpleBlocks, toSimpleBlocks, type SimpleBlock, type SimpleKind } from './blocks';
import { EntryControls } from './EntryControls';
import { ImageBlock } from './ImageBlock';
import { InlineToolbar } from './InlineToolbar';
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
  { value: 'image', label: 'Image' },
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
  const fromValue = parsed === undefined ? null : toSimpleBlocks(parsed);
  // The rows keep the markup as typed: re-deriving it from the saved JSON on every keystroke would
  // rewrite a half-typed marker (`**bold` before its closing `**`) under the cursor. The view follows
  // the value only when it changed elsewhere (a loaded document, a reset, the JSON tab).
  const [view, setView] = useState({ raw, blocks: fromValue });
  let simple = view.blocks;
  if (view.raw !== raw) {
    simple = fromValue;
    setView({ raw, blocks: fromValue });
  }
  const [mode, setMode] = useState<'blocks' | 'json'>(simple ? 'blocks' : 'json');
  const set = (blocks: SimpleBlock[]) => {
    const json = blocks.length ? JSON.stringify(fromSimpleBlocks(blocks), null, 2) : '';
    setView({ raw: json, blocks });
    form.setFieldValue(path, json);
  };

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
                This content holds blocks the block editor does not show (nested lists, unknown attributes):
                edit it as JSON.
              </Text>
            )}
            <JsonField {...props} label={`${label} (JSON)`} />
          </>
        ) : (
          <>
            <Text size="xs" c="dimmed">
              Formatting: **bold**, __italic__, &lt;u&gt;underline&lt;/u&gt;, ~~strikethrough~~, `code`, [link
              text](https://…); a backslash keeps the next character as it is.
            </Text>
            {simple.map((block, i) => (
              <BlockRow
                key={i}
                index={i}
                block={block}
                count={simple.length}
                disabled={disabled}
                onChange={(next) => set(simple.map((b, j) => (j === i ? next : b)))}
                onMove={(from, to) => {
                  const next = [...simple];
                  next.splice(to, 0, ...next.splice(from, 1));
                  set(next);
                }}
                onRemove={() => set(simple.filter((_, j) => j !== i))}
              />
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

/** One block: its type, its formatting buttons and text, and its move/remove controls. */
function BlockRow({
  index,
  block,
  count,
  disabled,
  onChange,
  onMove,
  onRemove,
}: {
  index: number;
  block: SimpleBlock;
  count: number;
  disabled?: boolean;
  onChange: (block: SimpleBlock) => void;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  const name = `block ${index + 1}`;
  const setText = (text: string) => onChange({ ...block, text });
  return (
    <Group align="flex-start" wrap="nowrap">
      <Select
        aria-label={`Block ${index + 1} type`}
        data={KINDS}
        value={kindValue(block)}
        onChange={(v) => onChange(fromKindValue(v ?? 'paragraph', block.text))}
        allowDeselect={false}
        w={150}
      />
      {block.kind === 'image' ? (
        <ImageBlock
          name={name}
          image={block.image}
          onChoose={(image) => onChange({ ...block, image })}
          disabled={disabled}
        />
      ) : (
        <Stack gap={4} style={{ flex: 1 }}>
          {block.kind !== 'code' && (
            <InlineToolbar target={box} name={name} onChange={setText} disabled={disabled} />
          )}
          <Textarea
            ref={box}
            aria-label={`Block ${index + 1} text`}
            description={block.kind.startsWith('list') ? 'One item per line' : undefined}
            value={block.text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={1}
            ff={block.kind === 'code' ? 'monospace' : undefined}
          />
        </Stack>
      )}
      <EntryControls
        index={index}
        count={count}
        name={name}
        onMove={onMove}
        onRemove={onRemove}
        disabled={disabled}
      />
    </Group>
  );
}
