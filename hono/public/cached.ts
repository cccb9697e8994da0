import type { Context, TypedResponse } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { setResponseHeader } from '../node-bindings';

/**
 * Read-through the shared public cache (key = route + parameters) that answers with the
 * response body itself: what is stored is the JSON the client gets (`schema` applied before
 * storing), so a hit is sent as the stored bytes, not parsed, checked and serialised again.
 * The response says where it came from in X-Cache-Backend. Every admin write invalidates the
 * namespace.
 */
export async function cachedJson<S extends z.ZodType>(
  c: Context<AppEnv>,
  key: (string | number)[],
  schema: S,
  load: () => Promise<z.input<S>>,
): Promise<Response & TypedResponse<z.output<S>, 200, 'json'>> {
  const { cache, config } = c.get('services');
  // 'response' marks entries holding the body as sent (older versions cached the unparsed value).
  const result = await cache.public.getOrLoadJson(['response', ...key], config.publicCacheTtlSeconds, async () => schema.parse(await load()));
  setResponseHeader(c, 'X-Cache-Backend', result.backend);
  const response = c.body(result.json, 200, { 'Content-Type': 'application/json' });
  // The body is the JSON of schema's output, written by encodeValue: typed as c.json would type it.
  return response as unknown as Response & TypedResponse<z.output<S>, 200, 'json'>;
}
