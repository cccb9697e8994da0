import { z } from 'zod';
import type { Config } from '../config';
import { UPLOADS_PATH } from './tus';

/** What a resumable-upload client needs to know before it starts. */
export const uploadConfigDto = z
  .object({
    endpoint: z.string().meta({ description: 'The tus creation URL (POST here)' }),
    chunkBytes: z.number().int().meta({ description: 'Send PATCH bodies of at most this many bytes (UPLOAD_CHUNK_BYTES)' }),
    maxBytes: z.number().int().meta({ description: 'Largest file (UPLOAD_MAX_BYTES); a larger Upload-Length is refused with 413' }),
    expireHours: z.number().meta({ description: 'An incomplete upload is removed this long after its creation (UPLOAD_EXPIRE_HOURS)' }),
  })
  .meta({ id: 'UploadConfig' });
export type UploadConfigDto = z.infer<typeof uploadConfigDto>;

export const uploadConfig = (config: Config): UploadConfigDto => ({
  endpoint: UPLOADS_PATH,
  chunkBytes: config.upload.chunkBytes,
  maxBytes: config.upload.maxBytes,
  expireHours: config.upload.expireMs / 3_600_000,
});
