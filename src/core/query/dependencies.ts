import type { Model } from '../schema/model.js';
import {
  linkedModel,
  type FilterNode,
  type FindQuery,
  type PopulateNode,
  type SortItem,
  type SubQuery,
} from './types.js';

/**
 * The content types whose rows a read looks at: the requested type and every type reached through its
 * populate tree, its filters (the caller's permission conditions included, which parse.ts merged in)
 * and its sorts. Whatever the read answers can change only when one of these types is written, which
 * is what lets a cached answer be retired by exactly the writes that matter (cache/response-cache.ts).
 * Components are not listed: their rows are written only with the document that holds them.
 */
export function readDependencies(query: FindQuery): string[] {
  const uids = new Set<string>();
  const model = (m: Model) => {
    if (m.modelType === 'contentType') uids.add(m.uid);
  };
  const filter = (node: FilterNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'and':
      case 'or':
        node.children.forEach(filter);
        return;
      case 'not':
        filter(node.child);
        return;
      case 'related':
        model(linkedModel(node.link));
        filter(node.child);
        return;
      case 'condition':
        return;
    }
  };
  const sort = (items: readonly SortItem[]) => {
    for (const item of items) for (const step of item.steps) model(linkedModel(step));
  };
  const sub = (query: SubQuery): void => {
    model(query.model);
    filter(query.filters);
    sort(query.sort);
    query.populate.forEach(populate);
  };
  const populate = (node: PopulateNode): void => {
    if (node.kind === 'link') sub(node.query);
    else if (node.kind === 'dynamiczone') node.components.forEach(sub);
  };
  model(query.type);
  filter(query.filters);
  sort(query.sort);
  query.populate.forEach(populate);
  return [...uids].sort();
}
