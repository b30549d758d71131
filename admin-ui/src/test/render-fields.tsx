import './dom-shims';
import { MantineProvider } from '@mantine/core';
import { useForm } from '@mantine/form';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render } from '@testing-library/react';
import { afterEach } from 'vitest';
import type { AttributeDefinition, ModelInfo } from '../api/content-types';
import { FieldList } from '../components/fields/FieldList';
import type { DocumentForm } from '../components/fields/types';
import { toFormValues, toPayload } from '../pages/content/form-values';
import { SchemaContext, type SchemaLookup } from '../pages/content/schema-context';

afterEach(cleanup);

type Attributes = Readonly<Record<string, AttributeDefinition>>;

/** A content type or component as GET /admin/api/content-manager/{content-types,components} answers it. */
export function model(
  uid: string,
  displayName: string,
  attributes: Attributes,
  modelType: ModelInfo['modelType'] = 'component',
): ModelInfo {
  return {
    uid,
    modelType,
    ...(modelType === 'contentType' ? { kind: 'collectionType' as const } : {}),
    editable: false,
    owner: 'file',
    definition: { info: { displayName }, attributes },
  };
}

export function schemaOf(models: readonly ModelInfo[]): SchemaLookup {
  const by = (type: ModelInfo['modelType']) =>
    new Map(models.filter((m) => m.modelType === type).map((m) => [m.uid, m]));
  return { contentTypes: by('contentType'), components: by('component') };
}

/**
 * Renders the edit form's inputs for `attributes` as the edit page does (the same form conversions, the
 * schema context, Mantine and TanStack Query), starting from `document` as the API returned it. `payload`
 * is the request body a save would send now.
 */
export function renderFields(
  attributes: Attributes,
  schema: SchemaLookup,
  document: Record<string, unknown> = {},
) {
  let form: DocumentForm | undefined;
  function Form() {
    form = useForm<Record<string, unknown>>({
      mode: 'controlled',
      initialValues: toFormValues(attributes, document, schema),
    });
    return <FieldList form={form} attributes={attributes} prefix="" />;
  }
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    // env="test": no transitions and no portals, so menus and dropdowns render in place at once.
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <SchemaContext.Provider value={schema}>
          <Form />
        </SchemaContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return {
    ...view,
    payload: () => toPayload(attributes, form!.getValues(), schema),
    values: () => form!.getValues(),
  };
}
