import { changeSchemaAtRuntime } from '../core/schema/runtime.js';
import type { SchemaChanger } from '../http/admin-api/admin-request.js';
import { TOPICS, type ClusterRuntime } from './cluster.js';
import type { ContentCore } from './content-core.js';

/** Applies a content-type builder change on this node and announces it to the others. */
export function buildSchemaChanger(content: ContentCore, cluster: ClusterRuntime): SchemaChanger {
  const { database } = content.core;
  return async (change, changeOptions = {}) => {
    // On PostgreSQL the announcement is part of the transaction: other nodes hear of it only if it commits.
    const inTransaction = cluster.bus.kind === 'postgres';
    const { requestId } = changeOptions;
    const result = await changeSchemaAtRuntime(database, change, {
      ...changeOptions,
      afterApply: inTransaction
        ? (trx, applied) =>
            cluster.bus.publish(TOPICS.schema, { version: applied.schema.version }, { trx, requestId })
        : undefined,
    });
    if (!changeOptions.dryRun && result.changed) {
      content.useSchema(result.schema);
      if (!inTransaction)
        await cluster.publish(TOPICS.schema, { version: result.schema.version }, { requestId });
    }
    return result;
  };
}
