import type { Parser } from './types';

/**
 * Values cross the cache as JSON on every backend, so a hit from the local store has
 * exactly the shape a hit from Redis has (a Date comes back as a string from both).
 */
export function encodeValue(value: unknown): string {
  if (value === undefined) throw new TypeError('undefined cannot be cached: it is how a miss is reported');
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`a ${typeof value} cannot be cached: values must be JSON`);
  return json;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false };

/** Not JSON, or rejected by the caller's parser: a payload error, never an outage. */
export function decodeValue<T>(json: string, parse: Parser<T> | undefined): Decoded<T> {
  try {
    const data: unknown = JSON.parse(json);
    return { ok: true, value: applyParser(data, parse) };
  } catch {
    return { ok: false };
  }
}

export function applyParser<T>(data: unknown, parse: Parser<T> | undefined): T {
  if (!parse) return data as T;
  return typeof parse === 'function' ? parse(data) : parse.parse(data);
}

/** Seconds from the API to whole milliseconds for Redis PX and lru-cache. */
export function toMs(seconds: number, what: string): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new TypeError(`${what} must be a positive number of seconds, got ${seconds}`);
  return Math.max(1, Math.round(seconds * 1000));
}
