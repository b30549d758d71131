import { SimpleGrid } from '@mantine/core';
import type { AttributeDefinition } from '../../api/content-types';
import { FieldInput } from './FieldInput';
import type { DocumentForm } from './types';

const WIDE = new Set(['text', 'richtext', 'blocks', 'json', 'component', 'dynamiczone', 'relation']);

/** The inputs of a document or component, two columns for short fields, full width for long ones. */
export function FieldList({
  form,
  attributes,
  prefix,
  disabled,
}: {
  form: DocumentForm;
  attributes: Readonly<Record<string, AttributeDefinition>>;
  /** Path of the enclosing value ('' for the document, `seo.` for a component). */
  prefix: string;
  disabled?: boolean;
}) {
  const entries = Object.entries(attributes).filter(([, a]) => !a.private);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" verticalSpacing="md">
      {entries.map(([name, a]) => (
        <div key={name} style={WIDE.has(a.type) ? { gridColumn: '1 / -1' } : undefined}>
          <FieldInput form={form} path={`${prefix}${name}`} name={name} attribute={a} disabled={disabled} />
        </div>
      ))}
    </SimpleGrid>
  );
}
