import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { BodyLimitError } from '../../server/http/body-limit';
import type { ReceivedFile } from '../../server/images';
import { ApiError } from '../errors';

const MAX_FILES = 50;

/**
 * Streams the multipart field `files` to temp files, hashing on the way, cut at the
 * per-file cap. Nothing is held in memory; the caller removes the files (cleanup()).
 * The request's total size and idle timeout are enforced by the body-limit middleware;
 * when it cuts the body off, every temp file of the request is removed here.
 */
export async function receiveFiles(request: Request, input: { tmpDir: string; maxBytes: number }) {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data') || !request.body) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the photos as multipart/form-data in the field "files"');
  }
  await fs.mkdir(input.tmpDir, { recursive: true });
  const files: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  const cleanup = () => Promise.all(files.map((f) => fs.rm(f.path, { force: true }))).then(() => undefined);

  // Browsers and fetch send the file name as raw UTF-8; busboy would read it as latin1.
  const parser = busboy({ headers: { 'content-type': type }, defParamCharset: 'utf8', limits: { fileSize: input.maxBytes, files: MAX_FILES, fields: 20, parts: MAX_FILES + 20 } });
  let tooMany = false;
  parser.on('filesLimit', () => {
    tooMany = true;
  });
  parser.on('file', (field, stream, info) => {
    if (field !== 'files') {
      stream.resume();
      return;
    }
    const file: ReceivedFile = { path: path.join(input.tmpDir, `${crypto.randomUUID()}.upload`), name: path.basename(info.filename ?? ''), bytes: 0, sha256: '', truncatedAtCap: false };
    files.push(file);
    const hash = createHash('sha256');
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        file.bytes += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    stream.on('limit', () => {
      file.truncatedAtCap = true;
    });
    writes.push(
      pipeline(stream, meter, createWriteStream(file.path)).then(() => {
        file.sha256 = hash.digest('hex');
      }),
    );
  });

  try {
    await pipeline(Readable.fromWeb(request.body as NodeReadableStream), parser);
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    await cleanup();
    // Cut off by the request's cap (UPLOAD_REQUEST_MAX_BYTES) or idle timeout: 413 / 408.
    if (error instanceof BodyLimitError) throw error;
    throw new ApiError('BAD_REQUEST', `The upload could not be read: ${error instanceof Error ? error.message : 'malformed multipart body'}`);
  }
  if (tooMany) {
    await cleanup();
    throw new ApiError('PAYLOAD_TOO_LARGE', `At most ${MAX_FILES} files per request`);
  }
  if (files.length === 0) {
    await cleanup();
    throw new ApiError('VALIDATION_FAILED', 'No files: send one or more photos in the multipart field "files"');
  }
  return { files, cleanup };
}
