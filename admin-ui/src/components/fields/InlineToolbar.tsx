import { ActionIcon, Group, Tooltip } from '@mantine/core';
import type { RefObject } from 'react';

/** What each button wraps around the selection, in the markup of inline-markup.ts. */
const FORMATS = [
  { label: 'Bold', glyph: <b>B</b>, open: '**', close: '**' },
  { label: 'Italic', glyph: <i>I</i>, open: '__', close: '__' },
  { label: 'Underline', glyph: <u>U</u>, open: '<u>', close: '</u>' },
  { label: 'Strikethrough', glyph: <s>S</s>, open: '~~', close: '~~' },
  { label: 'Code', glyph: <code>{'</>'}</code>, open: '`', close: '`' },
  { label: 'Link', glyph: '🔗', open: '[', close: '](https://)' },
] as const;

/**
 * Formatting buttons for one block's text box: each wraps the selected text in its markup (or inserts
 * an empty pair at the cursor) and keeps the selection on the same text; Link leaves the address
 * selected, ready to be typed over.
 */
export function InlineToolbar({
  target,
  name,
  onChange,
  disabled,
}: {
  target: RefObject<HTMLTextAreaElement | null>;
  /** Names the block for screen readers ("Bold block 2"). */
  name: string;
  onChange: (text: string) => void;
  disabled?: boolean;
}) {
  const apply = (open: string, close: string) => {
    const box = target.current;
    if (!box) return;
    const { value, selectionStart: start, selectionEnd: end } = box;
    onChange(value.slice(0, start) + open + value.slice(start, end) + close + value.slice(end));
    const isLink = open === '[';
    const from = isLink ? end + open.length + 2 : start + open.length;
    const to = isLink ? end + open.length + close.length - 1 : end + open.length;
    // After React has rendered the new value.
    requestAnimationFrame(() => {
      box.focus();
      box.setSelectionRange(from, to);
    });
  };
  return (
    <Group gap={2}>
      {FORMATS.map((format) => (
        <Tooltip key={format.label} label={format.label}>
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={`${format.label} ${name}`}
            // Keep the focus (and the selection) in the text box.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => apply(format.open, format.close)}
            disabled={disabled}
          >
            {format.glyph}
          </ActionIcon>
        </Tooltip>
      ))}
    </Group>
  );
}
