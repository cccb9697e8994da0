/** The photo library: uploads, the develop job, admin operations and public reads. */
export { DEVELOP_JOB, type ImagesContext } from './context';
export { developImage, VARIANT_WIDTHS } from './develop';
export { configureSharp } from './sharp';
export { registerDevelopJob } from './develop-job';
export { storageSweepDuty, storageSweepOptions, sweepStorage, type StorageSweepOptions } from './storage-sweep';
export { adminImageDto, adminImagePage, imageDto, toImageDto, variantDto, type AdminImageDto, type ImageDto } from './dto';
export { FILES_PATH, FILES_ROUTE } from './keys';
export { ingestFile, ingestUploads, type IngestOutcome } from './ingest';
export { inspectUpload, type ReceivedFile } from './inspect';
export * from './admin';
export * from './public';
export { CHECK_BODY_MAX_BYTES, checkHashes, checkHashesInput, checkHashesResult, knownImage, sha256Hex, type CheckHashesInput, type CheckHashesResult } from './known';
export { closeStatusFeed, IMAGE_STATUS_CHANNEL, imageStatusEvent, MAX_WATCHED, notifyImageStatus, readImageStatuses, StatusFeed, statusFeedOf, watchImagesInput, type ImageStatusEvent } from './status-feed';
