import type { RowIndex } from './link-rows.js';

/**
 * The rows an import writes, by the exporting database's ids (which the import keeps): documentIds of
 * content-type rows and the ids of component rows. Built while the archive is scanned, before anything
 * is written, so links resolve the same way on a first run and on a resumed one.
 */
export class MemoryRowIndex implements RowIndex {
  readonly #documents = new Map<string, Map<number, string>>();
  readonly #components = new Map<string, Set<number>>();

  addDocumentRow(uid: string, id: number, documentId: string): void {
    let rows = this.#documents.get(uid);
    if (!rows) this.#documents.set(uid, (rows = new Map()));
    rows.set(id, documentId);
  }

  addComponentRow(uid: string, id: number): void {
    let rows = this.#components.get(uid);
    if (!rows) this.#components.set(uid, (rows = new Set()));
    rows.add(id);
  }

  documentId(uid: string, id: number): string | undefined {
    return this.#documents.get(uid)?.get(id);
  }

  hasRow(uid: string, id: number): boolean {
    return this.#documents.get(uid)?.has(id) ?? this.#components.get(uid)?.has(id) ?? false;
  }
}

/**
 * A type the app does not localize keeps one locale: of the rows of a document and status in several
 * locales, the first one in the archive is imported and the others are counted as skipped (a localized
 * type keeps them all). Deterministic, so the scan and the import (and a resumed import) skip the same
 * rows.
 */
export class LocaleFilter {
  readonly #seen = new Map<string, Set<string>>();
  skipped = 0;

  /** Whether the row is another locale of a document version already taken. */
  skips(uid: string, documentId: string, published: boolean, locale: unknown, localized = false): boolean {
    if (localized || locale === null || locale === undefined) return false;
    let seen = this.#seen.get(uid);
    if (!seen) this.#seen.set(uid, (seen = new Set()));
    const key = `${published ? 'p' : 'd'}${documentId}`;
    if (!seen.has(key)) {
      seen.add(key);
      return false;
    }
    this.skipped += 1;
    return true;
  }
}
