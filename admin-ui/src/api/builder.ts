import { api } from './client';
import type { ModelDefinition, ModelInfo } from './content-types';

/** One step of a schema change as the server plans it (dry run) or applied it. */
export interface ChangeStep {
  readonly description: string;
  readonly destructive: boolean;
}
type ChangeAnswer = { data: ModelInfo | null; meta: { schemaVersion: number; steps: ChangeStep[] } };

const segment = (modelType: 'contentType' | 'component') =>
  modelType === 'contentType' ? 'content-types' : 'components';

/**
 * The content-type builder's calls. Each change can be tried first (`dryRun`: the plan, nothing
 * applied); a destructive one is refused (409) unless `confirm` is set.
 */
export const builderApi = {
  create: (
    modelType: 'contentType' | 'component',
    uid: string,
    definition: ModelDefinition,
    options: { dryRun?: boolean; confirm?: boolean } = {},
  ) =>
    api<ChangeAnswer>(`/admin/api/${segment(modelType)}${options.dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      body: { uid, definition, ...(options.confirm ? { confirm: true } : {}) },
    }),
  update: (
    modelType: 'contentType' | 'component',
    uid: string,
    definition: ModelDefinition,
    options: { dryRun?: boolean; confirm?: boolean } = {},
  ) =>
    api<ChangeAnswer>(
      `/admin/api/${segment(modelType)}/${encodeURIComponent(uid)}${options.dryRun ? '?dryRun=true' : ''}`,
      {
        method: 'PUT',
        body: { definition, ...(options.confirm ? { confirm: true } : {}) },
      },
    ),
  remove: (
    modelType: 'contentType' | 'component',
    uid: string,
    options: { dryRun?: boolean; confirm?: boolean } = {},
  ) =>
    api<ChangeAnswer>(
      `/admin/api/${segment(modelType)}/${encodeURIComponent(uid)}?${options.dryRun ? 'dryRun=true&' : ''}confirm=${options.confirm ? 'true' : 'false'}`,
      { method: 'DELETE' },
    ),
};
