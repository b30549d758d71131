import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export const S3_BUCKET = 'quorum-media';

/** A real S3-speaking HTTP server (s3rver) on a free loopback port, with one bucket. */
export async function startS3(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'quorum-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The upload config of a node using the s3rver at `endpoint` (its fixed credentials). */
export function s3Config(endpoint: string, access: 'public' | 'signed') {
  return {
    provider: 's3',
    s3: {
      bucket: S3_BUCKET,
      endpoint,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      access,
      prefix: 'media/',
    },
  };
}
