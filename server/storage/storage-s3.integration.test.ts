import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type TestS3 } from '../testing/s3';
import { createS3Storage } from './s3';

// What only the S3 driver can get wrong: missing buckets and secrets in errors.
describe('s3 storage only', () => {
  let server: TestS3;
  beforeAll(async () => {
    server = await startS3rver();
  });
  afterAll(() => server.stop());

  it('rejects ping of a bucket that does not exist, naming the bucket and endpoint', async () => {
    const storage = createS3Storage({ ...server.config, bucket: 'darkroom-no-such-bucket' });
    const error = await storage.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('darkroom-no-such-bucket');
    expect((error as Error).message).toContain(server.endpoint);
  });

  it('rejects get from a missing bucket instead of reporting a missing key', async () => {
    const storage = createS3Storage({ ...server.config, bucket: 'darkroom-no-such-bucket' });
    await expect(storage.get('originals/x/original.jpg')).rejects.toThrow('darkroom-no-such-bucket');
  });

  it('never puts the credentials in an error', async () => {
    const accessKeyId = 'AKIAWRONGKEYDONOTPRINT';
    const secretAccessKey = 'wrong-secret-do-not-print-1234';
    const storage = createS3Storage({ ...server.config, accessKeyId, secretAccessKey });
    const error = await storage.put('originals/x/original.jpg', Buffer.from('x'), 'image/jpeg').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('InvalidAccessKeyId');
    // Everything a logger could print, cause chain included. (The SDK's own error carries the
    // key id in its fields and in the signed request it keeps as $response.)
    const text = inspect(error, { depth: 20 });
    expect(text).toContain('"darkroom-test"');
    expect(text).not.toContain(accessKeyId);
    expect(text).not.toContain(secretAccessKey);
  });

  it('never puts endpoint user info in an error', async () => {
    const url = new URL(server.endpoint);
    url.username = 'someone';
    url.password = 'endpoint-password-do-not-print';
    const storage = createS3Storage({ ...server.config, endpoint: url.toString(), bucket: 'darkroom-no-such-bucket' });
    const error = await storage.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('darkroom-no-such-bucket');
    expect((error as Error).message).not.toContain('endpoint-password-do-not-print');
    expect((error as Error).message).not.toContain('someone');
  });

  it('needs a bucket', () => {
    expect(() => createS3Storage({ ...server.config, bucket: '' })).toThrow('S3_BUCKET');
  });
});
