import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { assertKey, assertPrefix, type Storage } from './types';

type S3Config = Config['storage']['s3'];

/** S3 caps DeleteObjects at 1000 keys, and ListObjectsV2 pages at 1000 keys. */
const BATCH = 1000;

/** The endpoint as shown in error messages: no user info, query or fragment. */
function displayEndpoint(config: S3Config): string {
  if (!config.endpoint) return `AWS S3 (${config.region})`;
  try {
    const url = new URL(config.endpoint);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(invalid endpoint)';
  }
}

function describeError(error: unknown): string {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    // Bodiless responses (HEAD) come back as "UnknownError"; the status says more.
    const message = error.message && error.message !== 'UnknownError' ? `: ${error.message}` : '';
    return `${error.name}${status ? ` (HTTP ${status})` : ''}${message}`;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code ?? error.name;
    return error.message ? `${code}: ${error.message}` : code;
  }
  return String(error);
}

function isMissingKey(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (error.name === 'NoSuchKey') return true;
  // A missing bucket is also a 404, and must not read as "no such object".
  return error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}

/** The SDK client settings for the bucket config (also used by the resumable-upload store). */
export function s3ClientConfig(config: S3Config): S3ClientConfig {
  const clientConfig: S3ClientConfig = {
    region: config.region,
    forcePathStyle: config.forcePathStyle,
  };
  if (config.endpoint) {
    clientConfig.endpoint = config.endpoint;
    // Not every S3-compatible store (s3rver, older MinIO/Ceph, some hosted ones) understands the
    // aws-chunked trailing checksums the SDK sends by default since 3.729: s3rver stores the chunk
    // framing as object bytes. Send checksums only where the API requires one.
    clientConfig.requestChecksumCalculation = 'WHEN_REQUIRED';
    clientConfig.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (config.accessKeyId && config.secretAccessKey) {
    clientConfig.credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
  }
  return clientConfig;
}

/** An S3 (or S3-compatible) bucket. Credentials come from the config or the SDK's default chain. */
export function createS3Storage(config: S3Config): Storage {
  const { bucket } = config;
  if (!bucket) throw new Error('S3 storage needs a bucket (set S3_BUCKET)');
  const target = `bucket "${bucket}" at ${displayEndpoint(config)}`;

  const client = new S3Client(s3ClientConfig(config));

  /**
   * Names the operation, key, bucket and endpoint; never the credentials. An SDK service error is
   * not kept as `cause`: its `$response` holds the signed request (access key id in Authorization),
   * which a logger serializing the cause chain would print.
   */
  const fail = (operation: string, key: string | undefined, error: unknown): Error =>
    new Error(
      `S3 ${operation}${key ? ` "${key}"` : ''} failed for ${target}: ${describeError(error)}`,
      error instanceof Error && !(error instanceof S3ServiceException) && !('$response' in error) ? { cause: error } : undefined,
    );

  async function send<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw fail(operation, key, error);
    }
  }

  return {
    driver: 's3',
    async put(key, body, contentType) {
      assertKey(key);
      await send('PutObject', key, () =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length })),
      );
    },
    async putFile(key, filePath, contentType) {
      assertKey(key);
      // Stat first: a missing source fails here, before any request is made.
      const { size } = await fs.stat(filePath);
      const body = createReadStream(filePath);
      try {
        // A single PUT is atomic: the object appears whole or not at all.
        await send('PutObject', key, () =>
          client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentLength: size })),
        );
      } finally {
        body.destroy();
      }
    },
    async get(key) {
      assertKey(key);
      let output: GetObjectCommandOutput;
      try {
        output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isMissingKey(error)) return undefined;
        throw fail('GetObject', key, error);
      }
      const { Body, ContentLength, ContentType } = output;
      if (!(Body instanceof Readable) || ContentLength === undefined) {
        if (Body instanceof Readable) Body.destroy();
        throw fail('GetObject', key, new Error('response has no streaming body or no Content-Length'));
      }
      return { body: Body, bytes: ContentLength, contentType: ContentType };
    },
    async read(key) {
      assertKey(key);
      return send('GetObject', key, async () => {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!Body) throw new Error('response has no body');
        const bytes = await Body.transformToByteArray();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      });
    },
    async delete(key) {
      assertKey(key);
      // DeleteObject succeeds whether or not the key exists.
      await send('DeleteObject', key, () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
    },
    async deletePrefix(prefix) {
      assertPrefix(prefix);
      let continuationToken: string | undefined;
      do {
        const page = await send('ListObjectsV2', prefix, () =>
          client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: BATCH, ContinuationToken: continuationToken })),
        );
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
        for (let i = 0; i < keys.length; i += BATCH) {
          const batch = keys.slice(i, i + BATCH);
          const result = await send('DeleteObjects', prefix, () =>
            client.send(
              new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
            ),
          );
          const errors = result.Errors ?? [];
          if (errors.length > 0) {
            const first = errors[0];
            throw fail(
              'DeleteObjects',
              prefix,
              new Error(`${errors.length} of ${batch.length} keys not deleted, first ${first?.Key}: ${first?.Code} ${first?.Message}`),
            );
          }
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);
    },
    async *list(prefix) {
      assertPrefix(prefix);
      let continuationToken: string | undefined;
      do {
        const page = await send('ListObjectsV2', prefix, () =>
          client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: BATCH, ContinuationToken: continuationToken })),
        );
        for (const object of page.Contents ?? []) {
          // No date reads as "just written": a sweep never removes what it cannot age.
          if (object.Key) yield { key: object.Key, bytes: object.Size ?? 0, lastModified: object.LastModified ?? new Date() };
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);
    },
    async ping() {
      await send('HeadBucket', undefined, () => client.send(new HeadBucketCommand({ Bucket: bucket })));
    },
  };
}
