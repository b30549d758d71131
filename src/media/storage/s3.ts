import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  assertStorageKey,
  UPLOADS_PATH,
  type ByteRange,
  type FileStorage,
  type ObjectInfo,
} from './types.js';

export interface S3Options {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly prefix: string;
  readonly access: 'public' | 'signed';
  readonly baseUrl?: string;
  readonly signedUrlTtlSeconds: number;
}

/**
 * An S3-compatible bucket (AWS SDK v3). With `public` access a file's URL points at the bucket (or a
 * CDN in front of it); with `signed` access it is `/uploads/<key>` on Quorum, which answers with a
 * redirect to a fresh short-lived signed URL, so the stored URL never expires.
 */
export class S3Storage implements FileStorage {
  readonly provider = 's3';
  readonly #client: S3Client;

  constructor(private readonly options: S3Options) {
    this.#client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Checksums only where S3 requires them: S3-compatible servers do not all accept the new defaults.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.#key(key),
        Body: body,
        ContentLength: meta.size,
        ContentType: meta.contentType,
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }),
      );
      return { size: Number(head.ContentLength ?? 0), contentType: head.ContentType };
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const object = await this.#client.send(
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: this.#key(key),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    // On Node the SDK's body is the HTTP response stream.
    return object.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }));
  }

  url(key: string): string {
    assertStorageKey(key);
    if (this.options.access === 'signed') return `${UPLOADS_PATH}/${key}`;
    return `${this.#publicBase()}/${this.options.prefix}${key}`;
  }

  async redirect(key: string): Promise<string> {
    return getSignedUrl(
      this.#client,
      new GetObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }),
      { expiresIn: this.options.signedUrlTtlSeconds },
    );
  }

  close(): void {
    this.#client.destroy();
  }

  #key(key: string): string {
    assertStorageKey(key);
    return `${this.options.prefix}${key}`;
  }

  #publicBase(): string {
    const { baseUrl, endpoint, bucket, region, forcePathStyle } = this.options;
    if (baseUrl) return baseUrl.replace(/\/+$/, '');
    if (endpoint) {
      const url = new URL(endpoint);
      if (forcePathStyle) return `${url.origin}/${bucket}`;
      return `${url.protocol}//${bucket}.${url.host}`;
    }
    return `https://${bucket}.s3.${region}.amazonaws.com`;
  }
}
