import { readArchive, readJsonLines, type ArchiveOptions } from '../../src/transfer/archive/index.js';

/** An archive read back whole: JSONL lines per stage folder, other files as bytes, entry names in order. */
export interface ArchiveContents {
  readonly names: string[];
  readonly lines: Record<string, Record<string, unknown>[]>;
  readonly files: Map<string, Buffer>;
  readonly metadata: Record<string, unknown>;
}

export async function readContents(file: string, options: ArchiveOptions = {}): Promise<ArchiveContents> {
  const names: string[] = [];
  const lines: Record<string, Record<string, unknown>[]> = {};
  const files = new Map<string, Buffer>();
  for await (const entry of readArchive(file, options)) {
    names.push(entry.name);
    if (entry.name.endsWith('.jsonl')) {
      const stage = entry.name.split('/')[0];
      for await (const line of readJsonLines(entry.body, entry.name)) (lines[stage] ??= []).push(line.value);
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body) chunks.push(chunk as Buffer);
      files.set(entry.name, Buffer.concat(chunks));
    }
  }
  const metadata = JSON.parse(files.get('metadata.json')?.toString() ?? '{}') as Record<string, unknown>;
  return { names, lines, files, metadata };
}

/** The entry names with file names made generic (hashes differ between two exports of the same data). */
export function entryLayout(names: readonly string[]): string[] {
  return names.map((name) =>
    name.startsWith('assets/')
      ? name.replace(/\/[^/]+?(\.json)?$/, (_, json) => `/<file>${json ?? ''}`)
      : name,
  );
}
