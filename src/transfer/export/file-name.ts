/** What `--only` / `--exclude` choose between, as `strapi export` names them. */
export const EXPORT_PARTS = ['content', 'files', 'config'] as const;
export type ExportPart = (typeof EXPORT_PARTS)[number];

/**
 * The archive's file name: Strapi's importer tells a tar.gz and an encrypted archive by their endings
 * (`.tar`, `.tar.gz`, then `.enc`), and `strapi export -f NAME` adds them to the name it is given. So a
 * path that already ends as it should is kept, one without a transfer ending gets it, and one whose
 * ending says something else than the options (`.tar` for a compressed export) is refused: undefined.
 */
export function archiveFileName(
  requested: string,
  options: { gzip: boolean; encrypt: boolean },
): string | undefined {
  const ending = `.tar${options.gzip ? '.gz' : ''}${options.encrypt ? '.enc' : ''}`;
  if (requested.endsWith(ending)) return requested;
  if (/\.(tar|tar\.gz|tgz|gz|enc)$/.test(requested)) return undefined;
  return requested + ending;
}
