import type { Logger } from 'pino';
import type { CoreContext } from '../core/context.js';
import { findDocument, findDocuments } from '../core/documents/find.js';
import { createDocument, deleteDocument, updateDocument } from '../core/documents/write.js';
import { NotFoundError } from '../core/errors.js';
import type { CronTaskContext, TaskDocuments } from './cron-tasks.js';

/** In-process document access for trusted code (cron tasks): the same operations the APIs use. */
export function taskDocuments(core: CoreContext): (uid: string) => TaskDocuments {
  return (uid) => {
    const type = core.schema().contentTypes.get(uid);
    if (!type) throw new NotFoundError(`No content type ${uid}`);
    return {
      find: (params = {}) => findDocuments(core, type, { params }),
      findOne: (documentId, params = {}) => findDocument(core, type, documentId, { params }),
      create: (data, params = {}) => createDocument(core, type, { data, params }),
      update: (documentId, data, params = {}) => updateDocument(core, type, documentId, { data, params }),
      delete: async (documentId) => {
        await deleteDocument(core, type, documentId, { params: {} });
      },
    };
  };
}

export function taskContext(
  core: CoreContext,
  logger: Logger,
  name: string,
  dueAt: Date,
  fencingToken: number,
): CronTaskContext {
  return {
    name,
    dueAt,
    fencingToken,
    logger: logger.child({ task: name, dueAt: dueAt.toISOString() }),
    documents: taskDocuments(core),
  };
}
