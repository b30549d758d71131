import { useMemo } from 'react';
import { useComponents, useContentTypes } from '../../api/content-types';
import type { SchemaLookup } from './schema-context';

/** Content types and components by uid, for the edit form (null while either is loading). */
export function useSchemaLookup(): { lookup: SchemaLookup | null; error: unknown } {
  const types = useContentTypes();
  const components = useComponents();
  const lookup = useMemo(
    () =>
      types.data && components.data
        ? {
            contentTypes: new Map(types.data.map((t) => [t.uid, t])),
            components: new Map(components.data.map((c) => [c.uid, c])),
          }
        : null,
    [types.data, components.data],
  );
  return { lookup, error: types.error ?? components.error };
}
