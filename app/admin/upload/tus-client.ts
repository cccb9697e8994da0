'use client';
import type { DetailedError } from 'tus-js-client';
import { envelopeOf } from '../../_lib/api';
import { checkKnown } from './dedupe';

/* What the upload page needs to know of Darkroom's tus endpoint: its settings, how to read a refusal, and how to learn which image a finished upload became. */

const DEFAULT_CHUNK = 8 * 1024 * 1024;
export const ENDPOINT = '/api/v1/admin/uploads';
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];

export interface UploadSettings {
  chunkBytes: number;
  maxBytes?: number;
}

/** GET /admin/uploads/config: the chunk size (UPLOAD_CHUNK_BYTES) and the per-file cap. */
export async function uploadSettings(): Promise<UploadSettings> {
  try {
    const res = await fetch(`${ENDPOINT}/config`, { credentials: 'same-origin' });
    const body: unknown = await res.json();
    if (res.ok && typeof body === 'object' && body !== null && 'chunkBytes' in body && typeof body.chunkBytes === 'number') {
      const maxBytes = 'maxBytes' in body && typeof body.maxBytes === 'number' ? body.maxBytes : undefined;
      return { chunkBytes: body.chunkBytes, maxBytes };
    }
  } catch {
    // the default below is well under common proxy caps
  }
  return { chunkBytes: DEFAULT_CHUNK };
}

/** Resumable uploads left in localStorage by tus-js-client (its keys start with "tus::"). */
export function leftoverUploads(): number {
  try {
    return Object.keys(localStorage).filter((k) => k.startsWith('tus::')).length;
  } catch {
    return 0;
  }
}

export const statusOf = (error: Error | DetailedError) => ('originalResponse' in error ? (error.originalResponse?.getStatus() ?? 0) : 0);
/** 4xx other than conflicts/locks/timeouts/rate limits are the server's verdict on the file: no retry. */
export const isRefusal = (status: number) => status >= 400 && status < 500 && ![408, 409, 423, 429].includes(status);
export function reasonOf(error: Error | DetailedError): string {
  const body = 'originalResponse' in error ? error.originalResponse?.getBody() : undefined;
  try {
    const message = envelopeOf(JSON.parse(body ?? '')).message;
    if (message) return message;
  } catch {
    // not the JSON envelope
  }
  const status = statusOf(error);
  return status ? `Refused by the server (${status})` : 'Network error: the upload did not reach the server';
}

/**
 * The image a finished upload became, when the final PATCH's answer (which names it) was lost:
 * a resume that found the upload complete (the page was reloaded while the server ingested
 * it). Ask by hash while the ingest may still be running, then ask the server to finish it (an
 * empty PATCH at the full offset runs the ingest again, or answers 404 once the partial is
 * gone), then by hash again.
 */
export async function whichImage(size: number, sha256: string | undefined, url?: string): Promise<{ imageId?: string; outcome?: string } | { refused: string }> {
  const byHash = async () => (sha256 ? (await checkKnown([sha256]).catch(() => new Map<string, { imageId: string }>())).get(sha256)?.imageId : undefined);
  let imageId: string | undefined;
  for (let attempt = 0; !imageId && attempt < 4; attempt++) {
    imageId = await byHash();
    if (!imageId) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
  }
  if (imageId || !url) return { imageId };
  const res = await fetch(url, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': String(size), 'Content-Type': 'application/offset+octet-stream' },
  }).catch(() => undefined);
  if (res && isRefusal(res.status) && res.status !== 404 && res.status !== 409) {
    const reason = ((await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined)?.error?.message;
    return { refused: reason ?? `Refused by the server (${res.status})` };
  }
  return { imageId: res?.headers.get('Darkroom-Image-Id') ?? (await byHash()), outcome: res?.headers.get('Darkroom-Upload-Outcome') ?? undefined };
}
