'use client';
import { envelopeOf } from '../../_lib/api';

const CHECK_BATCH = 500;

/**
 * SHA-256 of a file, hex. crypto.subtle runs the digest off the main thread; it needs a
 * secure context (https or localhost), so elsewhere this answers undefined and the file is
 * simply sent (the server dedupes every upload anyway).
 * TODO(u-check): replace with the streaming Web Worker helper in ./hash.ts once merged.
 */
export async function sha256Of(file: File): Promise<string | undefined> {
  if (typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface KnownImage {
  sha256: string;
  imageId: string;
  status: string;
}

const isKnownList = (body: unknown): body is { known: KnownImage[] } =>
  typeof body === 'object' &&
  body !== null &&
  'known' in body &&
  Array.isArray(body.known) &&
  body.known.every((k: unknown) => typeof k === 'object' && k !== null && 'sha256' in k && 'imageId' in k && typeof k.sha256 === 'string' && typeof k.imageId === 'string');

/** Which of these hashes the library already holds (POST /admin/images/check, in batches). */
export async function checkKnown(hashes: string[]): Promise<Map<string, KnownImage>> {
  const known = new Map<string, KnownImage>();
  for (let i = 0; i < hashes.length; i += CHECK_BATCH) {
    const res = await fetch('/api/v1/admin/images/check', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: hashes.slice(i, i + CHECK_BATCH) }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) throw new Error(envelopeOf(body).message ?? `Duplicate check failed (${res.status})`);
    if (isKnownList(body)) for (const k of body.known) known.set(k.sha256, k);
  }
  return known;
}
