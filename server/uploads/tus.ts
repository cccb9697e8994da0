import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pipe, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lt } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Server } from '@tus/server';
import { type DataStore, ERRORS, type Upload } from '@tus/utils';
import type { Config } from '../config';
import { type Database, schema } from '../db';
import { DomainError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { API_BASE } from '../http/paths';
import { ingestFile, type ImagesContext, type IngestOutcome } from '../images';
import type { Logger } from '../log';
import { type ClusterDuty, isDue } from '../queue';
import { PgKvStore } from './kv-store';
import { LeaseLocker } from './locker';

const { tusUploads, tusUploadLocks } = schema;

export const UPLOADS_PATH = `${API_BASE}/admin/uploads`;
/** Headers of the final PATCH (or POST with the whole file) that tell the client what became of it. */
export const IMAGE_ID_HEADER = 'Darkroom-Image-Id';
export const OUTCOME_HEADER = 'Darkroom-Upload-Outcome';
/** Upload ids are the library's own random 32 hex digits; nothing else is looked up. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** Headroom over UPLOAD_CHUNK_BYTES for a PATCH body (none is needed by tus; it forgives rounding). */
export const CHUNK_SLACK_BYTES = 64 * 1024;

export interface UploadsOptions {
  config: Config;
  db: Database;
  images: ImagesContext;
  log: Logger;
}

export interface Uploads {
  locker: LeaseLocker;
  store: DataStore;
  /** Where local partial files live (undefined on S3). */
  partialDir?: string;
  /** Answers one tus request (POST, HEAD, PATCH, DELETE, OPTIONS). */
  handle(request: Request): Promise<Response>;
  /** Removes expired incomplete uploads: partial files or S3 multipart parts, and their info rows. */
  removeExpired(): Promise<number>;
}

/** tus's `{ status_code, body }` error for a refused file: the hono edge wraps it in the error envelope. */
const refusal = (error: DomainError) => ({
  status_code: error instanceof PayloadTooLargeError ? 413 : error instanceof UnsupportedMediaTypeError ? 415 : 422,
  body: error.message,
});

async function createStore(config: Config, db: Database): Promise<{ store: DataStore; partialDir?: string }> {
  const expirationPeriodInMilliseconds = config.upload.expireMs;
  if (config.storage.driver === 's3') {
    const { S3Store } = await import('@tus/s3-store');
    const { s3ClientConfig } = await import('../storage/s3');
    /**
     * S3Store.remove aborts the multipart upload first and stops there when S3 answers
     * NoSuchUpload — which it always does once the upload was completed — so a finished
     * upload's assembled object and its info stayed in the bucket for good (a second copy of
     * every photo). A completed upload is removed by deleting those two objects.
     */
    class FinishedAwareS3Store extends S3Store {
      override async remove(id: string): Promise<void> {
        try {
          await super.remove(id);
        } catch (error) {
          if ((error as { status_code?: number }).status_code !== 404) throw error;
          await this.client.deleteObjects({ Bucket: config.storage.s3.bucket, Delete: { Objects: [{ Key: id }, { Key: `${id}.info` }] } });
          await this.clearCache(id);
        }
      }
    }
    return {
      store: new FinishedAwareS3Store({
        s3ClientConfig: { ...s3ClientConfig(config.storage.s3), bucket: config.storage.s3.bucket },
        cache: new PgKvStore(db),
        expirationPeriodInMilliseconds,
        // Tags only serve bucket lifecycle rules; the expiry duty cleans up instead, and not
        // every S3-compatible store (s3rver, some hosted ones) accepts object tagging.
        useTags: false,
      }),
    };
  }
  const { FileStore } = await import('@tus/file-store');
  // Inside the storage root (shared by the replicas when STORAGE_SHARED), a fixed name: no
  // path is built from anything the client sends (ids are checked against UPLOAD_ID).
  const partialDir = path.join(config.storage.localDir, '.partial-uploads');
  await fs.mkdir(partialDir, { recursive: true });
  // The directory is made above, awaited. FileStore's constructor makes it again without waiting,
  // and throws from that callback (an uncaught exception) if the directory is gone by then, as a
  // test's temp dir is when its services close at once: that second mkdir is skipped.
  class PartialFileStore extends FileStore {}
  (PartialFileStore.prototype as unknown as { checkOrCreateDirectory(): void }).checkOrCreateDirectory = () => undefined;
  return { store: new PartialFileStore({ directory: partialDir, configstore: new PgKvStore(db), expirationPeriodInMilliseconds }), partialDir };
}

/**
 * SHA-256 of each upload computed as its bytes arrive, so the PATCH that completes a file does
 * not read it all again. Only trusted when this replica hashed every byte in order: a chunk
 * that starts anywhere but where this replica's hash ends (an earlier chunk went to another
 * replica, a cut connection left fewer bytes stored than were hashed, a restart) drops the
 * hash, and the ingest reads the file as before.
 */
class ArrivalHashes {
  private readonly hashes = new LRUCache<string, { hash: Hash; bytes: number }>({ max: 1000 });

  /** The chunk's stream, hashed on its way to the store when it continues what was hashed. */
  tap(id: string, offset: number, body: Readable): Readable {
    if (offset === 0) this.hashes.set(id, { hash: createHash('sha256'), bytes: 0 });
    const entry = this.hashes.get(id);
    if (!entry || entry.bytes !== offset) {
      this.hashes.delete(id);
      return body;
    }
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        entry.hash.update(chunk);
        entry.bytes += chunk.length;
        done(null, chunk);
      },
    });
    // A failed body destroys the tee with its error, so the store sees the failure.
    return pipe(body, tee, () => undefined);
  }

  /** The upload's SHA-256 if this replica hashed exactly its `size` bytes; forgets it either way. */
  take(id: string, size: number | undefined): string | undefined {
    const entry = this.hashes.get(id);
    this.hashes.delete(id);
    return entry && entry.bytes === size ? entry.hash.digest('hex') : undefined;
  }
}

export async function createUploads({ config, db, images, log }: UploadsOptions): Promise<Uploads> {
  const { store, partialDir } = await createStore(config, db);
  const hashes = new ArrivalHashes();
  const write = store.write.bind(store);
  store.write = (body, id, offset) => write(hashes.tap(id, offset, body), id, offset);
  const locker = new LeaseLocker({ db, log });
  const tmpDir = path.join(config.dataDir, 'tmp');

  /** The finished upload as a file on disk: the partial file itself, or (S3) a streamed temp copy. */
  async function localCopy(upload: Upload): Promise<{ file: string; cleanup: () => Promise<void> }> {
    if (upload.storage?.type === 'file' && upload.storage.path) return { file: upload.storage.path, cleanup: async () => {} };
    await fs.mkdir(tmpDir, { recursive: true });
    const file = path.join(tmpDir, `${crypto.randomUUID()}.upload`);
    const source = await (store as DataStore & { read(id: string): Promise<NodeJS.ReadableStream> }).read(upload.id);
    await pipeline(source, createWriteStream(file));
    return { file, cleanup: () => fs.rm(file, { force: true }) };
  }

  const remove = (id: string) => store.remove(id).catch((e: unknown) => log.warn({ err: e, uploadId: id }, 'could not remove a finished upload'));
  /** Requests whose upload was ingested: removed once tus answered (its POST still reads the upload after the hook). */
  const ingestedBy = new WeakMap<object, string>();

  async function finish(upload: Upload): Promise<{ id: string; outcome: IngestOutcome }> {
    const name = upload.metadata?.filename ?? upload.metadata?.name ?? '';
    const sha256 = hashes.take(upload.id, upload.size);
    const { file, cleanup } = await localCopy(upload);
    try {
      return await ingestFile(images, { path: file, name, sha256 });
    } catch (error) {
      // Refused: the partial is done with. An unexpected failure (database down) keeps it:
      // the client's retry of the final PATCH (an empty body at the full offset) ingests it again.
      if (error instanceof DomainError) await remove(upload.id);
      throw error;
    } finally {
      await cleanup();
    }
  }

  // The tus server answers HTTP only: built on the first upload request, so a worker (which
  // only runs the expiry duty below) never loads @tus/server and what it pulls in (~9 MB).
  const makeServer = async (): Promise<Server> => {
    const { Server } = await import('@tus/server');
    return new Server({
      path: UPLOADS_PATH,
      datastore: store,
      locker,
      relativeLocation: true,
      maxSize: config.upload.maxBytes,
      // Same origin only: the admin UI and scripts on the server's own address.
      allowedOrigins: [new URL(config.auth.baseUrl).origin],
      allowedCredentials: true,
      exposedHeaders: [IMAGE_ID_HEADER, OUTCOME_HEADER],
      getFileIdFromRequest: (_req, lastPath) => (lastPath && UPLOAD_ID.test(lastPath) ? lastPath : undefined),
      // The client's metadata (filename, filetype) is kept as a hint only: the type is decided
      // by content at ingest and storage keys come from the image id.
      onUploadFinish: async (req, upload) => {
        try {
          const { id, outcome } = await finish(upload);
          ingestedBy.set(req, upload.id);
          return { headers: { [IMAGE_ID_HEADER]: id, [OUTCOME_HEADER]: outcome } };
        } catch (error) {
          if (error instanceof DomainError) throw refusal(error);
          log.error({ err: error, uploadId: upload.id }, 'a finished upload could not be ingested');
          throw error;
        }
      },
    });
  };
  let tus: Promise<Server> | undefined;

  return {
    locker,
    store,
    partialDir,
    async handle(request) {
      tus ??= makeServer();
      const response = await (await tus).handleWeb(request);
      // Accepted or duplicate: the partial is done with.
      const ingested = ingestedBy.get(request);
      if (ingested) await remove(ingested);
      return response;
    },
    async removeExpired() {
      // What the tus server's cleanUpExpiredUploads does, without the server.
      if (!store.hasExtension('expiration')) throw ERRORS.UNSUPPORTED_EXPIRATION_EXTENSION;
      const removed = await store.deleteExpired();
      // Info rows whose parts are already gone (a crash between the two removals, an S3 lifecycle rule).
      const cutoff = new Date(Date.now() - config.upload.expireMs);
      await db.delete(tusUploads).where(lt(tusUploads.createdAt, cutoff));
      // Leases of requests whose replica died and that nobody took over since.
      await db.delete(tusUploadLocks).where(lt(tusUploadLocks.expiresAt, new Date()));
      return removed;
    },
  };
}

/** Once per cluster per interval: expired incomplete uploads go (parts, partial files, rows). */
export function expiredUploadsDuty(uploads: Uploads, log: Logger, intervalMs = 60 * 60_000): ClusterDuty & { running?: Promise<void> } {
  const duty: ClusterDuty & { running?: Promise<void> } = async (tx) => {
    if (duty.running || !(await isDue(tx, 'uploads', intervalMs))) return;
    return async () => {
      duty.running = uploads
        .removeExpired()
        .then((removed) => {
          if (removed) log.info({ removed }, 'expired incomplete uploads removed');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'expired uploads sweep failed; the next one tries again'))
        .finally(() => {
          duty.running = undefined;
        });
    };
  };
  return duty;
}
