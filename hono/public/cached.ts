import type { Context } from 'hono';
import type { AppEnv } from '../env';

/**
 * Read-through the shared public cache (key = route + parameters); the response says
 * where it came from in X-Cache-Backend. Every admin write invalidates the namespace.
 */
export async function cached<T>(c: Context<AppEnv>, key: (string | number)[], load: () => Promise<T>): Promise<T> {
  const { cache, config } = c.get('services');
  const result = await cache.public.getOrLoad(key, config.publicCacheTtlSeconds, load);
  c.header('X-Cache-Backend', result.backend);
  return result.value;
}
