import { open } from 'node:fs/promises';
import { ValidationError } from '../core/errors.js';
import { mimeOfExtension, OCTET_STREAM } from './mime.js';
import { nameExtension } from './names.js';

export interface DetectedType {
  readonly mime: string;
  /** With its dot: `.png`. */
  readonly ext: string;
}

const HEAD_BYTES = 8192;

/**
 * The file's type, decided from its bytes (file-type's magic numbers, then a look at text), never from
 * the client's claim. A claim of an image, video, audio or PDF that the bytes contradict is refused
 * (a page named `photo.png` is someone testing the defences); other claims are simply corrected.
 * The extension is the client's when it names the detected type (`.jpeg` stays `.jpeg`), else the
 * detected type's own.
 */
export async function detectType(
  file: string,
  claim: { filename: string; claimedType: string },
): Promise<DetectedType> {
  // Loaded with the first upload rather than at start.
  const { fileTypeFromFile } = await import('file-type');
  const magic = await fileTypeFromFile(file);
  const detected = magic
    ? { mime: magic.mime as string, ext: `.${magic.ext}` }
    : textType(await readHead(file), nameExtension(claim.filename));
  refuseContradiction(claim, detected.mime);
  const named = nameExtension(claim.filename);
  const ext = named && mimeOfExtension(named) === detected.mime ? named : detected.ext;
  return { mime: detected.mime, ext };
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Types file-type cannot see (they have no magic number): markup and plain text, else opaque bytes. */
function textType(head: Buffer, namedExt: string): DetectedType {
  if (head.includes(0)) return { mime: OCTET_STREAM, ext: '.bin' };
  let text: string;
  try {
    // A cut in the middle of a multi-byte character at the end of the head is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastWhole(head)));
  } catch {
    return { mime: OCTET_STREAM, ext: '.bin' };
  }
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg')))
    return { mime: 'image/svg+xml', ext: '.svg' };
  if (/<(!doctype html|html|head|body|script|iframe)[\s>]/.test(text.slice(0, 4096).toLowerCase()))
    return { mime: 'text/html', ext: '.html' };
  if (start.startsWith('<?xml')) return { mime: 'application/xml', ext: '.xml' };
  // Plain text keeps a text extension it was given (.md, .csv, .json), else becomes .txt.
  const named = mimeOfExtension(namedExt);
  if (named && (named.startsWith('text/') || named === 'application/json') && named !== 'text/html')
    return { mime: named, ext: namedExt };
  return { mime: 'text/plain', ext: '.txt' };
}

/** Length of `head` without a trailing incomplete UTF-8 sequence. */
function lastWhole(head: Buffer): number {
  let i = head.length;
  let back = 0;
  while (i > 0 && back < 4 && (head[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i > 0 && head[i - 1] >= 0xc0) {
    const lead = head[i - 1];
    const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    if (back < needed) return i - 1;
  }
  return head.length;
}

const GUARDED = /^(image|video|audio)\//;

function refuseContradiction(claim: { filename: string; claimedType: string }, detected: string): void {
  const claims = [claim.claimedType.toLowerCase().split(';')[0].trim()];
  const byName = mimeOfExtension(nameExtension(claim.filename));
  if (byName) claims.push(byName);
  for (const claimed of claims) {
    const guarded = GUARDED.test(claimed) || claimed === 'application/pdf';
    if (!guarded) continue;
    const sameFamily =
      claimed === 'application/pdf' ? detected === claimed : claimed.split('/')[0] === detected.split('/')[0];
    if (!sameFamily)
      throw new ValidationError(
        `The content of "${claim.filename}" is ${detected}, not the ${claimed} it claims to be`,
        { claimed, detected },
      );
  }
}
