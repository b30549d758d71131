import { StringDecoder } from 'node:string_decoder';
import { TransferError } from '../errors.js';

/** One parsed line of a JSONL file, with where it came from (1-based line numbers, as editors count). */
export interface JsonLine<T = unknown> {
  value: T;
  file: string;
  line: number;
}

/**
 * The values of a JSONL stream, one per non-empty line. A line that is not JSON, or not a JSON object
 * (every line Strapi writes is one), stops the reading with a TransferError naming `file` and the line.
 */
export async function* readJsonLines<T = Record<string, unknown>>(
  body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  file: string,
): AsyncGenerator<JsonLine<T>> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  const parse = (text: string): JsonLine<T> | undefined => {
    line += 1;
    if (!text.trim()) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new TransferError(`not a JSON line (${(error as Error).message})`, { file, line });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new TransferError('a line must hold a JSON object', { file, line });
    return { value: value as T, file, line };
  };
  for await (const chunk of body) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let end: number;
    while ((end = rest.indexOf('\n', start)) !== -1) {
      const parsed = parse(rest.slice(start, end));
      if (parsed) yield parsed;
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest) {
    const parsed = parse(rest);
    if (parsed) yield parsed;
  }
}
