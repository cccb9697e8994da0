'use client';
import type { InferResponseType } from 'hono/client';
import { type AdminImage, type Api, envelopeOf } from './api';

type Uploaded = InferResponseType<Api['admin']['images']['$post'], 202>;

export interface UploadHandle {
  done: Promise<AdminImage>;
  abort: () => void;
}

/** XMLHttpRequest hands back text: this checks the part of the 202 answer the uploader reads. */
const isUploaded = (body: unknown): body is Uploaded =>
  typeof body === 'object' && body !== null && 'items' in body && Array.isArray(body.items) && body.items.every((i: unknown) => typeof i === 'object' && i !== null && 'id' in i);

function errorFrom(xhr: XMLHttpRequest): Error {
  try {
    const { message } = envelopeOf(JSON.parse(xhr.responseText));
    if (message) return new Error(message);
  } catch {
    // not JSON (e.g. a proxy's error page): fall through to the status line
  }
  if (xhr.status === 413) return new Error('The file is too large for the server');
  return new Error(`Upload failed (${xhr.status || 'network error'})`);
}

/**
 * POST /api/v1/admin/images with one file in the multipart field `files`, reporting upload
 * progress (0..1). XMLHttpRequest because fetch cannot report request-body progress.
 */
export function uploadImage(file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<AdminImage>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status !== 202 && xhr.status !== 200) return reject(errorFrom(xhr));
      try {
        const body: unknown = JSON.parse(xhr.responseText);
        const image = isUploaded(body) ? body.items[0] : undefined;
        if (image) resolve(image);
        else reject(new Error('The server accepted the upload but returned no image'));
      } catch {
        reject(new Error('The server sent an unreadable response'));
      }
    };
    xhr.onerror = () => reject(new Error('Network error: the upload did not reach the server'));
    xhr.onabort = () => reject(new Error('Upload cancelled'));
    xhr.open('POST', '/api/v1/admin/images');
    xhr.responseType = 'text';
    const form = new FormData();
    form.append('files', file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
