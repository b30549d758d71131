import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { translatePostgresError } from '../errors.js';

/**
 * Kysely's PostgresDriver, with every failure of known meaning — a statement, taking a connection from
 * the pool, transaction control — rethrown as a DbError (db/errors.ts), so that the layers above see
 * the same errors on both databases.
 */
export class TranslatingPostgresDriver implements Driver {
  readonly #connections = new WeakMap<DatabaseConnection, TranslatingConnection>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init().catch(rethrow);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection().catch(rethrow);
    // Pool clients are reused: one wrapper per client connection, not one per checkout.
    let wrapper = this.#connections.get(connection);
    if (!wrapper) {
      wrapper = new TranslatingConnection(connection);
      this.#connections.set(connection, wrapper);
    }
    return wrapper;
  }

  // The inner driver's methods get the inner connection: PostgresDriver calls private methods on it.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(innerOf(connection), settings).catch(rethrow);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(innerOf(connection)).catch(rethrow);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(innerOf(connection)).catch(rethrow);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint!(innerOf(connection), name, compile).catch(rethrow);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.rollbackToSavepoint!(innerOf(connection), name, compile).catch(rethrow);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.releaseSavepoint!(innerOf(connection), name, compile).catch(rethrow);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(compiledQuery).catch(rethrow);
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (err) {
      rethrow(err);
    }
  }
}

function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return (connection as TranslatingConnection).inner;
}

function rethrow(err: unknown): never {
  throw (err instanceof Error && translatePostgresError(err)) || err;
}
