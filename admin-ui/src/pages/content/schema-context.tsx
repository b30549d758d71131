import { createContext, useContext } from 'react';
import type { ModelInfo } from '../../api/content-types';

/** The registry an edit form needs to render nested fields: components and relation targets by uid. */
export interface SchemaLookup {
  readonly contentTypes: ReadonlyMap<string, ModelInfo>;
  readonly components: ReadonlyMap<string, ModelInfo>;
}

export const SchemaContext = createContext<SchemaLookup>({ contentTypes: new Map(), components: new Map() });
export const useSchema = () => useContext(SchemaContext);
