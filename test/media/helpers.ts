import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { TestNode, TestResponse } from '../helpers/node.js';

/** A PNG of the given size (a gradient, so resized formats have real content). */
export async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .png()
    .toBuffer();
}

export async function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 80, b: 200 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export interface FilePart {
  readonly name?: string;
  readonly filename: string;
  readonly type?: string;
  readonly data: Buffer | string;
}

/** A multipart body built by the platform's FormData (as a browser or the Strapi SDK sends it). */
export async function multipart(
  files: readonly FilePart[],
  fields: Record<string, string | string[]> = {},
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const file of files) {
    const bytes = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
    form.append(
      file.name ?? 'files',
      new Blob([new Uint8Array(bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.filename,
    );
  }
  for (const [key, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) form.append(key, one);
  const response = new Response(form);
  return {
    body: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type')!,
  };
}

export async function upload(
  node: TestNode,
  files: readonly FilePart[],
  fields: Record<string, string | string[]> = {},
  options: { url?: string; auth?: string } = {},
): Promise<TestResponse> {
  const { body, contentType } = await multipart(files, fields);
  return node.request({
    method: 'POST',
    url: options.url ?? '/api/upload',
    payload: body,
    headers: { 'content-type': contentType },
    auth: options.auth,
  });
}

/** A fresh folder for the local provider (never inside the repository's fixtures). */
export function uploadsFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'quorum-uploads-'));
}

/** Rows in the files table and objects in the database provider's tables. */
export async function storedCounts(
  node: TestNode,
): Promise<{ files: number; objects: number; chunks: number }> {
  const { db } = node.node.database;
  const count = async (table: string) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    files: await count('files'),
    objects: await count('quorum_media_objects'),
    chunks: await count('quorum_media_chunks'),
  };
}

export interface FetchedFile {
  status: number;
  headers: Record<string, unknown>;
  bytes: Buffer;
  json: TestResponse['json'];
}

/** An anonymous GET with the raw bytes of the answer (file serving). */
export async function fetchFile(
  node: TestNode,
  url: string,
  headers: Record<string, string> = {},
): Promise<FetchedFile> {
  const res = await node.node.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: () => res.json() };
}
