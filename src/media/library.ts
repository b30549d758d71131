import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { FULL_ACCESS, type AccessScope } from '../core/access.js';
import { inTransaction, type CoreContext } from '../core/context.js';
import {
  checkUpdates,
  outsideAfterWrite,
  resolveAccess,
  type ResolvedAccess,
} from '../core/documents/access-checks.js';
import { linkingDocuments } from '../core/documents/linking-documents.js';
import type { EventContext } from '../core/documents/events.js';
import { findDocument, findDocuments, type PaginationMeta } from '../core/documents/find.js';
import type { Document } from '../core/documents/serialize.js';
import { createDocument, deleteDocument, updateDocument } from '../core/documents/write.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import { isPlainObject } from '../core/query/raw.js';
import type { ContentType } from '../core/schema/model.js';
import type { Executor } from '../db/types.js';
import { attachFiles, resolveTarget, type AttachTarget } from './attach.js';
import { emitMediaEvent } from './events.js';
import type { FileInfo } from './file-info.js';
import { ImageProcessor } from './images.js';
import { cleanFileName } from './names.js';
import { findOrphans, isAttached, type OrphanRow } from './orphans.js';
import { FILE_UID } from './schema.js';
import { contentChanged } from '../core/documents/transaction.js';
import type { Spool, SpooledFile } from './spool.js';
import { createStorage, type FileStorage } from './storage/index.js';
import { removeObjects, storageKeys, storeUpload, type StoreDeps } from './store.js';

export interface UploadOptions {
  /** Per file, in order (Strapi's `fileInfo`). */
  readonly fileInfo?: readonly FileInfo[];
  readonly attach?: AttachTarget;
  readonly event?: EventContext;
  /** The caller's rights (default: everything); attaching needs the update rights on the entry. */
  readonly access?: AccessScope;
}

/** What a change to one file takes: the request behind it and the caller's rights (default: everything). */
export interface FileChangeOptions {
  readonly event?: EventContext;
  readonly access?: AccessScope;
}

/**
 * The media library's use cases, shared by the REST routes and in-process callers (no HTTP here).
 * Bytes go to the storage first, then the file rows, their links and their outbox events are written
 * in one transaction; if that fails the bytes are deleted again, so a failed upload leaves nothing. A
 * deletion is the reverse: rows and event first, bytes after the commit.
 */
export class MediaLibrary {
  readonly storage: FileStorage;
  readonly #store: StoreDeps;

  constructor(
    private readonly core: CoreContext,
    config: QuorumConfig,
    logger: Logger,
    storage?: FileStorage,
  ) {
    this.storage = storage ?? createStorage(config, core.database);
    const images = new ImageProcessor({
      concurrency: config.upload.imageConcurrency,
      maxPixels: config.upload.maxImagePixels,
      breakpoints: config.upload.breakpoints,
    });
    this.#store = { storage: this.storage, images, logger };
  }

  get #type(): ContentType {
    return this.core.schema().contentTypes.get(FILE_UID)!;
  }

  /** POST /api/upload: stores every file, then creates their rows (and links) together. */
  async upload(
    spool: Spool,
    files: readonly SpooledFile[],
    options: UploadOptions = {},
  ): Promise<Document[]> {
    if (files.length === 0) throw new ValidationError('Files are empty');
    const target = options.attach && resolveTarget(this.core, options.attach, files.length);
    const stored: Awaited<ReturnType<typeof storeUpload>>[] = [];
    try {
      for (const [index, file] of files.entries())
        stored.push(await storeUpload(this.#store, spool, file, options.fileInfo?.[index] ?? {}));
      const created = await this.core.database.transaction(async (trx) => {
        const documents: Document[] = [];
        for (const [index, { name, bytes }] of stored.entries()) {
          const info = options.fileInfo?.[index] ?? {};
          const document = await createDocument(inTransaction(this.core, trx), this.#type, {
            data: {
              ...bytes,
              name,
              alternativeText: info.alternativeText ?? null,
              caption: info.caption ?? null,
              folderPath: '/',
            },
            params: {},
          });
          await emitMediaEvent(trx, 'media.create', document, options.event);
          documents.push(document);
        }
        if (target && options.attach)
          await attachFiles(
            inTransaction(this.core, trx),
            trx,
            target,
            options.attach.refId,
            documents.map((document) => String(document.documentId)),
            this.#access(options.access),
          );
        return documents;
      });
      this.#changed();
      return created;
    } catch (err) {
      await removeObjects(
        this.#store,
        stored.flatMap((file) => file.keys),
      );
      throw err;
    }
  }

  /** POST /api/upload?id=N without a file: changes name, alternativeText, caption. */
  async updateInfo(id: number, info: FileInfo, options: FileChangeOptions = {}): Promise<Document> {
    const { event } = options;
    const updated = await this.core.database.transaction(async (trx) => {
      const current = await this.#row(trx, id);
      const users = await this.#requireWritable(trx, current.documentId, options.access);
      const data: Record<string, unknown> = {};
      if (info.name !== undefined) data.name = cleanFileName(info.name);
      if (info.alternativeText !== undefined) data.alternativeText = info.alternativeText;
      if (info.caption !== undefined) data.caption = info.caption;
      const document = await updateDocument(inTransaction(this.core, trx), this.#type, current.documentId, {
        data,
        params: {},
      });
      if (!document) throw fileNotFound();
      await this.#requireStillWithin(trx, users, options.access);
      await emitMediaEvent(trx, 'media.update', document, event);
      return document;
    });
    this.#changed();
    return updated;
  }

  /** POST /api/upload?id=N with a file: the same file (id, links) with new bytes under a new hash. */
  async replace(
    spool: Spool,
    id: number,
    file: SpooledFile,
    info: FileInfo,
    options: FileChangeOptions = {},
  ): Promise<Document> {
    const { event } = options;
    // Refused before any byte is stored; checked again in the transaction, which decides.
    const before = await this.#row(this.core.database.db, id);
    await this.#requireWritable(this.core.database.db, before.documentId, options.access);
    const stored = await storeUpload(this.#store, spool, file, info);
    let old: string[] = [];
    try {
      const document = await this.core.database.transaction(async (trx) => {
        const current = await this.#row(trx, id);
        const users = await this.#requireWritable(trx, current.documentId, options.access);
        old = storageKeys(current.stored);
        const data: Record<string, unknown> = { ...stored.bytes, name: stored.name };
        if (info.alternativeText !== undefined) data.alternativeText = info.alternativeText;
        if (info.caption !== undefined) data.caption = info.caption;
        const updated = await updateDocument(inTransaction(this.core, trx), this.#type, current.documentId, {
          data,
          params: {},
        });
        if (!updated) throw fileNotFound();
        await this.#requireStillWithin(trx, users, options.access);
        await emitMediaEvent(trx, 'media.update', updated, event);
        return updated;
      });
      this.#changed();
      await removeObjects(this.#store, old);
      return document;
    } catch (err) {
      await removeObjects(this.#store, stored.keys);
      throw err;
    }
  }

  /**
   * DELETE /api/upload/files/:id: the row, the links to it and the event in one transaction (run
   * after `fence`, which a leader-only caller uses to prove it still leads), then the bytes.
   */
  async remove(
    id: number,
    options: FileChangeOptions & { fence?: (trx: Executor) => Promise<void>; onlyOrphan?: boolean } = {},
  ): Promise<Document> {
    const removed = await this.core.database.transaction(async (trx) => {
      await options.fence?.(trx);
      const current = await this.#row(trx, id);
      // Deleting the file unlinks it from the entries using it.
      await this.#requireWritable(trx, current.documentId, options.access);
      // The orphan cleanup listed it before this transaction: it may have been attached since.
      if (
        options.onlyOrphan &&
        (await isAttached(trx, this.core.schema(), {
          documentId: current.documentId,
          hash: current.stored.hash,
        }))
      )
        throw new ConflictError('The file is in use');
      const scoped = inTransaction(this.core, trx);
      const document = await findDocument(scoped, this.#type, current.documentId, { params: {} });
      if (!document) throw fileNotFound();
      await deleteDocument(scoped, this.#type, current.documentId, { params: {} });
      await emitMediaEvent(trx, 'media.delete', document, options.event);
      return { document, keys: storageKeys(current.stored) };
    });
    this.#changed();
    await removeObjects(this.#store, removed.keys);
    return removed.document;
  }

  /** GET /api/upload/files: the content-API query language over files (filters, sort, fields, pagination). */
  async find(params: unknown): Promise<Document[]> {
    const query = isPlainObject(params) ? params : {};
    // Strapi lists every file when no pagination is given; here that is the largest page allowed.
    const paged =
      query.pagination === undefined
        ? { ...query, pagination: { pageSize: this.core.limits.maxLimit } }
        : query;
    const { data } = await findDocuments(this.core, this.#type, { params: paged, access: FULL_ACCESS });
    return data;
  }

  /** A page of files with its pagination meta (the admin's media library): the same query language. */
  page(params: unknown): Promise<{ data: Document[]; pagination: PaginationMeta }> {
    return findDocuments(this.core, this.#type, { params, access: FULL_ACCESS });
  }

  /** GET /api/upload/files/:id (numeric id, as in Strapi); null when there is none. */
  async findOne(id: number, params: unknown): Promise<Document | null> {
    const row = await this.#rowOrNull(this.core.database.db, id);
    if (!row) return null;
    return findDocument(this.core, this.#type, row.documentId, { params, access: FULL_ACCESS });
  }

  /** Files never attached to an entry, older than `graceMs`. */
  orphans(graceMs: number, limit = 1000): Promise<OrphanRow[]> {
    return findOrphans(this.core.database, this.core.schema(), graceMs, limit);
  }

  close(): void {
    this.storage.close?.();
  }

  /**
   * After a commit: cached pagination totals are retired here and, announced, on the other nodes (the
   * core operations joined our transaction, so what they signalled happened before it committed).
   */
  #changed(): void {
    contentChanged(this.core, [FILE_UID]);
  }

  #access(access: AccessScope | undefined): ResolvedAccess {
    return resolveAccess(this.core, this.#type, access);
  }

  /**
   * A file used by entries is part of them: renaming, replacing or deleting it changes what they show
   * (or unlinks it from them), so the caller needs the update rights on every such entry, under the
   * conditions the update route applies (checkUpdates). Files carry no owner, as in Strapi, so a file
   * no entry uses needs only the upload action. A file used by an entry outside the caller's
   * conditions is, for them, a file that does not exist. Returns the entries, for the check after.
   */
  async #requireWritable(
    trx: Executor,
    fileDocumentId: string,
    access: AccessScope | undefined,
  ): Promise<Map<ContentType, Set<string>>> {
    const resolved = this.#access(access);
    if (!resolved.limitsUpdates) return new Map();
    const users = await linkingDocuments(trx, this.core.schema(), this.#type, fileDocumentId);
    const scoped = inTransaction(this.core, trx);
    for (const [type, documentIds] of users) {
      const check = await checkUpdates(scoped, trx, type, documentIds, resolved);
      if (check.kind === 'forbidden')
        throw new ForbiddenError(
          `The file is used by ${type.uid} entries (changing it needs ${type.uid}.update)`,
        );
      if (check.kind === 'outside') throw fileNotFound();
    }
    return users;
  }

  /** After the change: the entries using the file must still be inside the caller's conditions. */
  async #requireStillWithin(
    trx: Executor,
    users: Map<ContentType, Set<string>>,
    access: AccessScope | undefined,
  ): Promise<void> {
    const scoped = inTransaction(this.core, trx);
    const resolved = this.#access(access);
    for (const [type, documentIds] of users)
      if ((await checkUpdates(scoped, trx, type, documentIds, resolved)).kind !== 'allowed')
        throw outsideAfterWrite();
  }

  async #rowOrNull(trx: Executor, id: number) {
    if (!Number.isSafeInteger(id) || id < 1) return null;
    const row = await trx
      .selectFrom(this.#type.tableName)
      .select(['document_id', 'hash', 'ext', 'formats'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    return {
      documentId: row.document_id as string,
      stored: {
        hash: row.hash as string,
        ext: (row.ext as string | null) ?? '',
        formats: this.core.database.dialect.fromDb('json', row.formats),
      },
    };
  }

  async #row(trx: Executor, id: number) {
    const row = await this.#rowOrNull(trx, id);
    if (!row) throw fileNotFound();
    return row;
  }
}

/** Strapi's answer for a file id that does not exist. */
export function fileNotFound(): NotFoundError {
  return new NotFoundError('file.notFound');
}
