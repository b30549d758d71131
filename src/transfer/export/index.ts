export {
  exportArchive,
  exportSources,
  type ExportRequest,
  type ExportSummary,
  type ExportParts,
} from './export.js';
export { archiveFileName, EXPORT_PARTS, type ExportPart } from './file-name.js';
