import type { CacheKey } from './types';

export const KEY_PREFIX = 'darkroom:cache:';

/** No ':' or other separators, so one namespace can never be a prefix trick of another. */
const NAMESPACE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function assertNamespace(namespace: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new TypeError(`invalid cache namespace "${namespace}": use 1-64 of [a-z0-9_-], starting with a letter or digit`);
  }
}

/**
 * Strings are percent-encoded (so ':' never appears inside a part) and numbers are
 * marked with '#', which encodeURIComponent always escapes: the encoding is one-to-one.
 */
export function encodeKey(key: CacheKey): string {
  if (key.length === 0) throw new TypeError('a cache key needs at least one part');
  return key
    .map((part) => {
      if (typeof part === 'number') {
        if (!Number.isFinite(part)) throw new TypeError(`cache key part must be a finite number, got ${part}`);
        return `#${part}`;
      }
      return encodeURIComponent(part);
    })
    .join(':');
}

/** Every Redis key of one namespace, in one place so they cannot overlap. */
export function namespaceKeys(namespace: string) {
  assertNamespace(namespace);
  const base = `${KEY_PREFIX}${namespace}:`;
  return {
    base,
    /** The namespace's generation; invalidateAll increments it. */
    generation: `${base}gen`,
    value: (key: CacheKey) => `${base}v:${encodeKey(key)}`,
    /** Counters live outside the generation: invalidating a cache never resets a rate limit. */
    counter: (key: CacheKey) => `${base}c:${encodeKey(key)}`,
  };
}
export type NamespaceKeys = ReturnType<typeof namespaceKeys>;
