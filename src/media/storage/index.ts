import path from 'node:path';
import type { QuorumConfig } from '../../config/index.js';
import type { Database } from '../../db/types.js';
import { DatabaseStorage } from './database.js';
import { LocalStorage } from './local.js';
import { S3Storage } from './s3.js';
import type { FileStorage, ProviderName } from './types.js';

export * from './types.js';

/** The configured provider, else `database` on PostgreSQL (no shared disk needed) and `local` on SQLite. */
export function storageProvider(config: QuorumConfig): ProviderName {
  return config.upload.provider ?? (config.database.kind === 'postgres' ? 'database' : 'local');
}

export function createStorage(config: QuorumConfig, database: Database): FileStorage {
  const { upload } = config;
  switch (storageProvider(config)) {
    case 'local':
      return new LocalStorage(path.resolve(config.appDir, upload.local.folder));
    case 'database':
      return new DatabaseStorage(database, upload.database.chunkSize);
    case 's3':
      // load.ts refuses the s3 provider without a bucket.
      return new S3Storage({ ...upload.s3, bucket: upload.s3.bucket! });
  }
}
