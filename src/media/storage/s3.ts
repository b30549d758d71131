import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
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
type Sdk = typeof import('@aws-sdk/client-s3');

/** The SDK and a client, loaded with the first request: a node that never uses S3 never loads the SDK. */
interface Connection {
  readonly sdk: Sdk;
  readonly client: S3Client;
}

export class S3Storage implements FileStorage {
  readonly provider = 's3';
  #connection: Promise<Connection> | undefined;

  constructor(private readonly options: S3Options) {}

  #connect(): Promise<Connection> {
    const { options } = this;
    return (this.#connection ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
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
      }),
    })));
  }

  async put(key: string, body: Readable, meta: { contentType: string; size: number }): Promise<void> {
    const { sdk, client } = await this.#connect();
    await client.send(
      new sdk.PutObjectCommand({
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
    const { sdk, client } = await this.#connect();
    try {
      const head = await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }),
      );
      return { size: Number(head.ContentLength ?? 0), contentType: head.ContentType };
    } catch (err) {
      if (err instanceof sdk.S3ServiceException && err.$metadata.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const { sdk, client } = await this.#connect();
    const object = await client.send(
      new sdk.GetObjectCommand({
        Bucket: this.options.bucket,
        Key: this.#key(key),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    // On Node the SDK's body is the HTTP response stream.
    return object.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    const { sdk, client } = await this.#connect();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }));
  }

  url(key: string): string {
    assertStorageKey(key);
    if (this.options.access === 'signed') return `${UPLOADS_PATH}/${key}`;
    return `${this.#publicBase()}/${this.options.prefix}${key}`;
  }

  async redirect(key: string): Promise<string> {
    const [{ sdk, client }, { getSignedUrl }] = await Promise.all([
      this.#connect(),
      import('@aws-sdk/s3-request-presigner'),
    ]);
    return getSignedUrl(
      client,
      new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }),
      { expiresIn: this.options.signedUrlTtlSeconds },
    );
  }

  close(): void {
    void this.#connection?.then(({ client }) => client.destroy()).catch(() => {});
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
