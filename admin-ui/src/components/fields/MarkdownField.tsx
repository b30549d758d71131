import { Tabs, Textarea, TypographyStylesProvider, Paper, Text } from '@mantine/core';
import Markdown from 'react-markdown';
import type { FieldProps } from './types';

/**
 * Rich text is Markdown (as in Strapi): written as text, previewed as rendered. react-markdown never
 * renders raw HTML from the text, so the preview cannot run script.
 */
export function MarkdownField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const value = String(valueAt(form.getValues(), path) ?? '');
  return (
    <Tabs defaultValue="write" keepMounted={false}>
      <Tabs.List aria-label={`${label} editor`}>
        <Tabs.Tab value="write">Write</Tabs.Tab>
        <Tabs.Tab value="preview">Preview</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="write" pt="xs">
        <Textarea
          label={label}
          required={attribute.required}
          disabled={disabled}
          autosize
          minRows={4}
          maxRows={20}
          key={form.key(path)}
          {...form.getInputProps(path)}
        />
      </Tabs.Panel>
      <Tabs.Panel value="preview" pt="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Paper withBorder p="sm">
          <TypographyStylesProvider>
            {value ? <Markdown>{value}</Markdown> : <Text c="dimmed">Nothing to preview</Text>}
          </TypographyStylesProvider>
        </Paper>
      </Tabs.Panel>
    </Tabs>
  );
}

export function valueAt(values: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      values,
    );
}
