import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { ArchiveWriter } from '../archive/index.js';
import { DEFAULT_MAX_JSONL_SIZE, jsonlFileName, type JsonlStage } from '../format.js';

/** Lines gathered before one write to the spool file. */
const WRITE_CHUNK = 256 * 1024;

/**
 * Writes a stage's values as JSON lines into the archive, one `<stage>/<stage>_NNNNN.jsonl` entry per
 * Strapi-sized file (a new one before a file would pass 256 M characters, as Strapi cuts them). A tar
 * entry needs its size before its bytes, so each file is first spooled to disk next to the archive and
 * then streamed in: memory stays at a chunk, whatever the stage holds. `onLine` is told of each line.
 */
export async function writeSpooledJsonl(
  writer: ArchiveWriter,
  stage: JsonlStage,
  values: AsyncIterable<unknown>,
  spoolDir: string,
  onLine: () => void = () => {},
  maxFileSize: number = DEFAULT_MAX_JSONL_SIZE,
): Promise<number> {
  const spool = path.join(spoolDir, `${stage}.jsonl`);
  let index = 0;
  let count = 0;
  let size = 0;
  let pending = '';
  let out: WriteStream | undefined;

  const write = async (text: string) => {
    out ??= createWriteStream(spool);
    if (!out.write(text)) await once(out, 'drain');
  };
  const flush = async () => {
    if (pending) await write(pending);
    pending = '';
    if (!out) return;
    const stream = out;
    out = undefined;
    stream.end();
    await once(stream, 'finish');
    index += 1;
    const bytes = (await stat(spool)).size;
    await writer.addStream(jsonlFileName(stage, index), bytes, createReadStream(spool));
    size = 0;
  };

  try {
    for await (const value of values) {
      const line = JSON.stringify(value) + '\n';
      if (size > 0 && size + line.length > maxFileSize) await flush();
      pending += line;
      size += line.length;
      count += 1;
      if (pending.length >= WRITE_CHUNK) {
        await write(pending);
        pending = '';
      }
      onLine();
    }
    if (size > 0) await flush();
    return count;
  } finally {
    out?.destroy();
    await rm(spool, { force: true });
  }
}
