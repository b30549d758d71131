// What both directions of a transfer need from an archive file: its encryption, its tar entries, its lines.
export {
  ALGORITHMS,
  createDecryptStream,
  createEncryptStream,
  deriveKey,
  type Algorithm,
  type EncryptionLayout,
} from './encryption.js';
export { readJsonLines, type JsonLine } from './jsonl.js';
export {
  archiveLayers,
  readArchive,
  type ArchiveEntry,
  type ArchiveLayers,
  type ArchiveOptions,
} from './reader.js';
export { ArchiveWriter, type ArchiveWriterOptions } from './writer.js';
