import type { SchemaFile } from '../core/schema/load-files.js';
import { FILE_UID } from '../core/schema/relations.js';
import { MAX_TEXT } from './file-info.js';

export { FILE_UID };

/**
 * The media library's file type, defined as Strapi defines `plugin::upload.file`: media attributes of
 * content types link to its documents, so populating, filtering and writing media reuse the relation
 * machinery, and populated media come out in Strapi's file-object shape. Every client-set string is
 * bounded: `string`s by Strapi's varchar(255), the alternative text and caption by what the upload
 * routes accept (file-info.ts); `url` and `previewUrl` are written by the server only.
 */
const file = {
  kind: 'collectionType',
  collectionName: 'files',
  info: { singularName: 'file', pluralName: 'files', displayName: 'File', description: '' },
  options: { draftAndPublish: false },
  attributes: {
    name: { type: 'string', maxLength: 255, configurable: false, required: true },
    alternativeText: { type: 'text', maxLength: MAX_TEXT, configurable: false },
    caption: { type: 'text', maxLength: MAX_TEXT, configurable: false },
    focalPoint: { type: 'json', configurable: false },
    width: { type: 'integer', configurable: false },
    height: { type: 'integer', configurable: false },
    formats: { type: 'json', configurable: false },
    hash: { type: 'string', maxLength: 255, configurable: false, required: true },
    ext: { type: 'string', maxLength: 255, configurable: false },
    mime: { type: 'string', maxLength: 255, configurable: false, required: true },
    size: { type: 'decimal', configurable: false, required: true },
    url: { type: 'text', configurable: false, required: true },
    previewUrl: { type: 'text', configurable: false },
    provider: { type: 'string', maxLength: 255, configurable: false, required: true },
    provider_metadata: { type: 'json', configurable: false },
    folderPath: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
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
