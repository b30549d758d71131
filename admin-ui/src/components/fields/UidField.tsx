import { Button, TextInput } from '@mantine/core';
import { slugify } from '../../pages/content/form-values';
import { valueAt } from './MarkdownField';
import type { FieldProps } from './types';

/** A uid, typed or generated from its target field (`title` → `my-title`). */
export function UidField({ form, path, attribute, disabled, label }: FieldProps & { label: string }) {
  const target = attribute.targetField;
  // The target field sits next to the uid (same component or document).
  const targetPath = target ? path.replace(/[^.]+$/, target) : undefined;
  const generate = () => {
    const source = targetPath ? valueAt(form.getValues(), targetPath) : '';
    form.setFieldValue(path, slugify(String(source ?? '')));
  };
  return (
    <TextInput
      label={label}
      required={attribute.required}
      disabled={disabled}
      description={target ? `Letters, digits and dashes; can be generated from ${target}` : undefined}
      key={form.key(path)}
      {...form.getInputProps(path)}
      rightSectionWidth={96}
      rightSection={
        target ? (
          <Button
            size="compact-xs"
            variant="light"
            onClick={generate}
            disabled={disabled}
            aria-label={`Generate ${label} from ${target}`}
          >
            Generate
          </Button>
        ) : undefined
      }
    />
  );
}
