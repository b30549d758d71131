import type { UseFormReturnType } from '@mantine/form';
import type { AttributeDefinition } from '../../api/content-types';

/** The edit form: a document's values by attribute name, nested for components and dynamic zones. */
export type DocumentForm = UseFormReturnType<Record<string, unknown>>;

/** What every field input receives: the form, where its value lives, and what it is. */
export interface FieldProps {
  readonly form: DocumentForm;
  /** Dotted path of the value in the form (`seo.metaTitle`, `blocks.2.body`); errors use the same paths. */
  readonly path: string;
  readonly name: string;
  readonly attribute: AttributeDefinition;
  readonly disabled?: boolean;
}
