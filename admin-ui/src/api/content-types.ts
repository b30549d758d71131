import { useQuery } from '@tanstack/react-query';
import { api } from './client';

/** An attribute as the schema file declares it (Strapi's format). */
export interface AttributeDefinition {
  readonly type: string;
  readonly required?: boolean;
  readonly private?: boolean;
  readonly unique?: boolean;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: unknown;
  readonly targetField?: string;
  readonly relation?: string;
  readonly target?: string;
  readonly mappedBy?: string;
  readonly inversedBy?: string;
  readonly component?: string;
  readonly repeatable?: boolean;
  readonly components?: readonly string[];
  readonly multiple?: boolean;
}

export interface ModelDefinition {
  readonly kind?: 'collectionType' | 'singleType';
  readonly collectionName?: string;
  readonly info: { displayName: string; singularName?: string; pluralName?: string; description?: string };
  readonly options?: { draftAndPublish?: boolean };
  readonly attributes: Readonly<Record<string, AttributeDefinition>>;
}

/** A content type or component from the admin API's registry (GET /admin/api/content-types). */
export interface ModelInfo {
  readonly uid: string;
  readonly modelType: 'contentType' | 'component';
  readonly kind?: 'collectionType' | 'singleType';
  /** Defined in the database (the builder may change it) rather than by a file of the app. */
  readonly editable: boolean;
  readonly owner: 'file' | 'database';
  readonly definition: ModelDefinition;
}

export const contentTypesApi = {
  /** The content types this admin may read, and every component: what the content manager needs. */
  contentTypes: async () =>
    (await api<{ data: ModelInfo[] }>('/admin/api/content-manager/content-types')).data,
  components: async () => (await api<{ data: ModelInfo[] }>('/admin/api/content-manager/components')).data,
  /** Every type and component, for the builder (needs its read permission). */
  builderTypes: async () => (await api<{ data: ModelInfo[] }>('/admin/api/content-types')).data,
  builderComponents: async () => (await api<{ data: ModelInfo[] }>('/admin/api/components')).data,
};

// The schema changes rarely (the builder invalidates these queries, all under 'schema', when it changes it).
export const useContentTypes = () =>
  useQuery({
    queryKey: ['schema', 'content-types'],
    queryFn: contentTypesApi.contentTypes,
    staleTime: 60_000,
  });
export const useComponents = () =>
  useQuery({ queryKey: ['schema', 'components'], queryFn: contentTypesApi.components, staleTime: 60_000 });
export const useBuilderTypes = () =>
  useQuery({ queryKey: ['schema', 'builder-types'], queryFn: contentTypesApi.builderTypes });
export const useBuilderComponents = () =>
  useQuery({ queryKey: ['schema', 'builder-components'], queryFn: contentTypesApi.builderComponents });

/** The content type with this uid, once the registry has loaded. */
export function useContentType(uid: string): {
  type: ModelInfo | undefined;
  isLoading: boolean;
  error: unknown;
} {
  const query = useContentTypes();
  return { type: query.data?.find((t) => t.uid === uid), isLoading: query.isLoading, error: query.error };
}

/** The attribute whose value names a document in lists and relation pickers: the first string-like one. */
export function mainField(model: ModelInfo | undefined): string {
  if (!model) return 'documentId';
  const entry = Object.entries(model.definition.attributes).find(
    ([, a]) => ['string', 'email', 'uid', 'text'].includes(a.type) && !a.private,
  );
  return entry?.[0] ?? 'documentId';
}

export const displayName = (model: ModelInfo) => model.definition.info.displayName;
export const hasDraftAndPublish = (model: ModelInfo) => model.definition.options?.draftAndPublish === true;
