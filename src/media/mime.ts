/**
 * Content types by extension, for serving files of providers that keep no content type (the local
 * folder). Extensions of stored files are chosen by the media library from the sniffed type, so this
 * maps them back; anything unknown is served as application/octet-stream.
 */
const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.apng': 'image/apng',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.heic': 'image/heic',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.mp4': 'video/mp4',
  '.m4v': 'video/x-m4v',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mkv': 'video/matroska',
  '.avi': 'video/vnd.avi',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/opus',
  '.flac': 'audio/flac',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.7z': 'application/x-7z-compressed',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.bin': 'application/octet-stream',
};

export const OCTET_STREAM = 'application/octet-stream';

export function mimeOfExtension(ext: string): string | undefined {
  return TYPES[ext.toLowerCase()];
}

/** The extension of a storage key (`.png`), or ''. */
export function extensionOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot > 0 ? key.slice(dot).toLowerCase() : '';
}

/**
 * Types a browser may render inline from the API's origin. Everything else — SVG and HTML above all,
 * which can run script — is served as an attachment.
 */
export function safeInline(mime: string): boolean {
  if (mime === 'image/svg+xml') return false;
  return /^(image|video|audio)\//.test(mime) || mime === 'application/pdf' || mime === 'text/plain';
}
