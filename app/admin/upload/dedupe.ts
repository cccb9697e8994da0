'use client';
import { envelopeOf } from '../../_lib/api';

const CHECK_BATCH = 500;

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
