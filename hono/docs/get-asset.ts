import type { Context } from 'hono';
import { readReferenceAsset, referenceBundleVersion } from '../../server/api-reference';
import type { AppEnv } from '../env';
import { errorJson } from '../errors';
import { ASSETS_PATH } from './get-docs';

/**
 * GET /docs/assets/<version>/<file>: the reference's browser bundle. The version is in the URL
 * and the chunk names carry their hash, so a browser keeps each file for good.
 */
export async function getAsset(c: Context<AppEnv>) {
  const prefix = `${ASSETS_PATH}/${referenceBundleVersion()}/`;
  const at = c.req.path.indexOf(prefix);
  const bytes = at === -1 ? undefined : await readReferenceAsset(c.req.path.slice(at + prefix.length));
  if (!bytes) return errorJson(c, 'NOT_FOUND', 'File not found');
  return c.body(new Uint8Array(bytes), 200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  });
}
