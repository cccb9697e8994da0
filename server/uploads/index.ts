/** Resumable uploads (tus 1.0): shared upload state and locks in PostgreSQL, ingest on finish. */
export { PgKvStore } from './kv-store';
export { LeaseLocker, RELEASE_CHANNEL } from './locker';
export { CHUNK_SLACK_BYTES, createUploads, expiredUploadsDuty, IMAGE_ID_HEADER, OUTCOME_HEADER, UPLOADS_PATH, type Uploads } from './tus';
export { uploadConfig, uploadConfigDto, type UploadConfigDto } from './dto';
