import type { SchemaFile } from '../core/schema/load-files.js';
import { FILE_UID } from '../core/schema/relations.js';

export { FILE_UID };

/**
 * The media library's file type, defined as Strapi defines `plugin::upload.file`: media attributes of
 * content types link to its documents, so populating, filtering and writing media reuse the relation
 * machinery, and populated media come out in Strapi's file-object shape.
 */
const file = {
  kind: 'collectionType',
  collectionName: 'files',
  info: { singularName: 'file', pluralName: 'files', displayName: 'File', description: '' },
  options: { draftAndPublish: false },
  attributes: {
    name: { type: 'string', configurable: false, required: true },
    alternativeText: { type: 'text', configurable: false },
    caption: { type: 'text', configurable: false },
    focalPoint: { type: 'json', configurable: false },
    width: { type: 'integer', configurable: false },
    height: { type: 'integer', configurable: false },
    formats: { type: 'json', configurable: false },
    hash: { type: 'string', configurable: false, required: true },
    ext: { type: 'string', configurable: false },
    mime: { type: 'string', configurable: false, required: true },
    size: { type: 'decimal', configurable: false, required: true },
    url: { type: 'text', configurable: false, required: true },
    previewUrl: { type: 'text', configurable: false },
    provider: { type: 'string', configurable: false, required: true },
    provider_metadata: { type: 'json', configurable: false },
    folderPath: {
      type: 'string',
      minLength: 1,
      required: true,
      private: true,
      searchable: false,
      default: '/',
    },
  },
};

export function mediaSchemas(): SchemaFile[] {
  return [{ uid: FILE_UID, modelType: 'contentType', path: 'quorum:upload/file', definition: file }];
}
