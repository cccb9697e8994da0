import { DrizzleQueryError } from 'drizzle-orm';
import { cleanText } from '../text';

/**
 * The cause of a failed attempt as people read it in the jobs page and on the image: the
 * database's own error rather than drizzle's "Failed query: <sql> params: <values>" (which
 * changes with every attempt and shows parameters), cleaned, at most 2000 characters.
 * Two attempts with the same description count as one deterministic failure.
 */
export function describeFailure(error: unknown): string {
  let root = error;
  if (root instanceof DrizzleQueryError && root.cause) root = root.cause;
  const message = root instanceof Error ? root.message : String(root);
  const detail = root instanceof Error && 'detail' in root && typeof root.detail === 'string' && root.detail ? ` (${root.detail})` : '';
  return cleanText(`${message}${detail}`, { maxLength: 2000, multiline: true }).value ?? 'failed without a message';
}
