import { createCipheriv, scryptSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { TransferError } from '../errors.js';
import { jsonlFileName, stageOf } from '../format.js';
import {
  ALGORITHMS,
  ArchiveWriter,
  archiveLayers,
  createDecryptStream,
  createEncryptStream,
  readArchive,
  readJsonLines,
} from './index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'quorum-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function through(stream: NodeJS.ReadWriteStream, input: Buffer, chunk = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(input.subarray(i, i + chunk));
  return buffer(Readable.from(parts).pipe(stream as never));
}

/** A tar's first 16 bytes: an entry name, then NULs (what the decryptor checks a key against). */
const TAR_LIKE = Buffer.concat([Buffer.from('schemas/schemas_00001.jsonl'), Buffer.alloc(600, 0)]);

describe("Strapi's archive encryption", () => {
  for (const algorithm of ALGORITHMS)
    for (const layout of ['legacy', 'v2'] as const)
      it(`decrypts what it encrypts (${algorithm}, ${layout}), in small chunks`, async () => {
        const encrypted = await through(createEncryptStream({ key: 'k3y', algorithm, layout }), TAR_LIKE);
        expect(encrypted.subarray(0, 8).toString('latin1') === 'STRAPI2\0').toBe(layout === 'v2');
        expect(await through(createDecryptStream({ key: 'k3y', algorithm }), encrypted, 5)).toEqual(TAR_LIKE);
      });

  it("reads a legacy archive as Strapi's releases write it: aes-128-ecb, scrypt with an empty salt", async () => {
    // @strapi/data-transfer utils/encryption/encrypt.ts: scryptSync(key, '', 16), no IV.
    const cipher = createCipheriv('aes-128-ecb', scryptSync('secret', '', 16), null);
    const encrypted = Buffer.concat([cipher.update(TAR_LIKE), cipher.final()]);
    expect(await through(createDecryptStream({ key: 'secret' }), encrypted)).toEqual(TAR_LIKE);
  });

  it('reads a v2 archive: STRAPI2\\0, version 2, salt length 16, the salt, then the ciphertext', async () => {
    const salt = Buffer.alloc(16, 9);
    const cipher = createCipheriv('aes-128-ecb', scryptSync('secret', salt, 16), null);
    const header = Buffer.concat([Buffer.from('STRAPI2\0', 'latin1'), Buffer.from([2, 16]), salt]);
    const encrypted = Buffer.concat([header, cipher.update(TAR_LIKE), cipher.final()]);
    expect(await through(createDecryptStream({ key: 'secret' }), encrypted)).toEqual(TAR_LIKE);
  });

  it('names a wrong key as such', async () => {
    const encrypted = await through(createEncryptStream({ key: 'right' }), TAR_LIKE);
    await expect(through(createDecryptStream({ key: 'wrong' }), encrypted)).rejects.toThrow(
      /could not be decrypted: the key is wrong/,
    );
  });
});

describe('JSONL lines', () => {
  it('yields each value with its file and line, across chunk boundaries and multi-byte characters', async () => {
    const text = '{"a":1}\n\n{"b":"é€"}\n{"c":[1,2]}';
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const lines = [];
    for await (const line of readJsonLines(chunks, 'entities/entities_00001.jsonl')) lines.push(line);
    expect(lines).toEqual([
      { value: { a: 1 }, file: 'entities/entities_00001.jsonl', line: 1 },
      { value: { b: 'é€' }, file: 'entities/entities_00001.jsonl', line: 3 },
      { value: { c: [1, 2] }, file: 'entities/entities_00001.jsonl', line: 4 },
    ]);
  });

  it('rejects a broken line naming file:line', async () => {
    const read = async () => {
      for await (const _ of readJsonLines([Buffer.from('{"a":1}\n{"b":\n')], 'links/links_00001.jsonl'));
    };
    await expect(read()).rejects.toThrow(TransferError);
    await expect(read()).rejects.toThrow(/^links\/links_00001\.jsonl:2: not a JSON line/);
  });

  it('rejects a line that is JSON but not an object', async () => {
    const read = async () => {
      for await (const _ of readJsonLines(['{"a":1}\n[1]\n'], 'f.jsonl'));
    };
    await expect(read()).rejects.toThrow(/^f\.jsonl:2: a line must hold a JSON object/);
  });
});

describe('archives', () => {
  const assetBytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));

  async function write(file: string, options: ConstructorParameters<typeof ArchiveWriter>[1]): Promise<void> {
    const writer = new ArchiveWriter(file, options);
    await writer.writeJsonl('schemas', [{ uid: 'api::a.a' }]);
    await writer.writeJsonl(
      'entities',
      (async function* () {
        for (let id = 1; id <= 50; id++) yield { type: 'api::a.a', id, data: { title: `t${id}` } };
      })(),
    );
    await writer.addFile('assets/metadata/a.bin.json', JSON.stringify({ hash: 'a' }));
    await writer.addStream('assets/uploads/a.bin', assetBytes.length, Readable.from([assetBytes]));
    await writer.addFile('metadata.json', JSON.stringify({ strapi: { version: '5.54.0' } }));
    await writer.close();
  }

  async function readBack(file: string, key?: string) {
    const entries: Record<string, Buffer> = {};
    for await (const entry of readArchive(file, { key })) entries[entry.name] = await buffer(entry.body);
    return entries;
  }

  for (const [label, options, key] of [
    ['tar', {}, undefined],
    ['tar.gz', { gzip: true }, undefined],
    ['tar.gz.enc', { gzip: true, encryption: { key: 'pass' } }, 'pass'],
    ['tar.enc (legacy)', { encryption: { key: 'pass', layout: 'legacy' as const } }, 'pass'],
  ] as const)
    it(`writes and reads back a ${label}`, async () => {
      const file = path.join(dir, `round.${label.replace(/\W/g, '-')}`);
      await write(file, options);
      const layers = await archiveLayers(file, { key });
      expect(layers).toEqual({ encrypted: 'encryption' in options, gzip: 'gzip' in options });
      const entries = await readBack(file, key);
      expect(Object.keys(entries)).toEqual([
        'schemas/schemas_00001.jsonl',
        'entities/entities_00001.jsonl',
        'assets/metadata/a.bin.json',
        'assets/uploads/a.bin',
        'metadata.json',
      ]);
      expect(entries['assets/uploads/a.bin']).toEqual(assetBytes);
      expect(entries['entities/entities_00001.jsonl'].toString().split('\n')[49]).toBe(
        '{"type":"api::a.a","id":50,"data":{"title":"t50"}}',
      );
    });

  it('cuts a stage into numbered files before one passes the size limit, as Strapi does', async () => {
    const file = path.join(dir, 'split.tar');
    const writer = new ArchiveWriter(file, { maxJsonlSize: 100 });
    const values = Array.from({ length: 10 }, (_, id) => ({ id, pad: 'x'.repeat(20) }));
    expect(await writer.writeJsonl('links', values)).toBe(10);
    await writer.close();
    const names = Object.keys(await readBack(file));
    expect(names[0]).toBe(jsonlFileName('links', 1));
    expect(names.length).toBeGreaterThan(3);
    expect(names.every((name) => stageOf(name) === 'links')).toBe(true);
  });

  it('needs the key for an encrypted archive, and says so', async () => {
    const file = path.join(dir, 'needs-key.tar.gz.enc');
    await write(file, { gzip: true, encryption: { key: 'pass' } });
    await expect(readBack(file)).rejects.toThrow(/pass its key with --key/);
    await expect(readBack(file, 'nope')).rejects.toThrow(/key is wrong/);
  });

  it('reports a truncated archive as not readable', async () => {
    const file = path.join(dir, 'whole.tar.gz');
    await write(file, { gzip: true });
    const cut = path.join(dir, 'cut.tar.gz');
    const bytes = readFileSync(file);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    await expect(readBack(cut)).rejects.toThrow(/cut\.tar\.gz is not a readable Strapi export/);
    writeFileSync(cut, gzipSync(Buffer.from('not a tar at all')));
    await expect(readBack(cut)).rejects.toThrow(TransferError);
  });

  it('names stages from entry paths as Strapi does', () => {
    expect(stageOf('./entities/entities_00001.jsonl')).toBe('entities');
    expect(stageOf('assets/uploads/cat.png')).toBe('assets');
    expect(stageOf('assets/metadata/cat.png.json')).toBe('assets');
    expect(stageOf('metadata.json')).toBe('metadata');
    expect(stageOf('entities/sub/x.jsonl')).toBeUndefined();
  });
});
