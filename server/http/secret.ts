import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of fixed-length digests, so neither content nor length leaks. */
export function secretMatches(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || !expected) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The credential of an `Authorization: Bearer <token>` header, if that is what it holds. */
export const bearerToken = (header: string | undefined) => /^Bearer (.+)$/i.exec(header ?? '')?.[1];

/** What a metrics request needs to be answered, wherever it arrives (main port or METRICS_PORT). */
export const METRICS_DISABLED =
  'Metrics are not served here. Set METRICS_TOKEN to serve them at /api/v1/metrics behind a bearer token, or METRICS_PORT to serve them on a separate port (see docs/operations.md, "Metrics").';
export const METRICS_REFUSED = 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".';
