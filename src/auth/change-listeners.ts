/**
 * "Something changed" notifications from a store to whoever must hear of it — the cluster runtime, which
 * tells the other nodes. Stores call `notify()` after their own change; a change another node announced
 * is applied with the store's local `forget…` method, which does not notify (no echo).
 */
export class ChangeListeners {
  readonly #listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
