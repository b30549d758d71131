import { randomBytes } from 'node:crypto';

/**
 * A client's file name as stored in `name`: its last path segment (no directories, whatever the
 * separator), without control characters, at most 255 characters.
 */
export function cleanFileName(raw: string | undefined): string {
  const last = (raw ?? '').split(/[/\\]/).pop()!;
  const segment = [...last]
    .filter((char) => {
      const code = char.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f;
    })
    .join('')
    .trim();
  const name = segment === '.' || segment === '..' ? '' : segment;
  return (name || 'file').slice(0, 255);
}

/** The extension of a file name, lowercased (`.jpeg`), or ''. */
export function nameExtension(name: string): string {
  const match = /\.([A-Za-z0-9]{1,16})$/.exec(name);
  return match && match.index > 0 ? `.${match[1].toLowerCase()}` : '';
}

/**
 * Strapi's hash: a slug of the name without its extension and a random suffix (`basque_17fa4567e0`).
 * Only `[a-z0-9_-]` ever reaches a storage key, so no name can point outside the storage.
 */
export function fileHash(name: string): string {
  const base = name.slice(0, name.length - nameExtension(name).length);
  const slug = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${slug || 'file'}_${randomBytes(5).toString('hex')}`;
}
