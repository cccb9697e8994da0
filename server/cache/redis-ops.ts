import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Values are stored as `<generation>|<json>`; a value from an older generation is a miss. */
const SEPARATOR = '|';

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Tags the value with the current generation; with ARGV[3] set, writes only if it still matches. */
const SET_VALUE = script(`
local gen = redis.call('GET', KEYS[1]) or '0'
if ARGV[3] ~= '' and ARGV[3] ~= gen then return 0 end
redis.call('SET', KEYS[2], gen .. '|' .. ARGV[1], 'PX', ARGV[2])
return 1`);

/** A generation that is not a number (written by hand) is replaced rather than failing every invalidation. */
const BUMP_GENERATION = script(`
local gen = redis.pcall('INCR', KEYS[1])
if type(gen) == 'table' then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. t[2])
end
return 1`);

/** The window opens with the first hit; a counter without TTL (or not a number) is repaired. */
const INCREMENT = script(`
local repaired = 0
local count = redis.pcall('INCR', KEYS[1])
if type(count) == 'table' then
  redis.call('DEL', KEYS[1])
  count = redis.call('INCR', KEYS[1])
  repaired = 1
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl, repaired}`);

async function run(client: Redis, s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    // First use on this server (or after a restart): send the body once.
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return client.eval(s.source, keys.length, ...keys, ...args);
    throw error;
  }
}

/** One round trip: the generation and the value, read together. */
export async function readValue(
  client: Redis,
  generationKey: string,
  valueKey: string,
): Promise<{ generation: string; json: string | undefined; malformed: boolean }> {
  const [generation, stored] = await client.mget(generationKey, valueKey);
  const current = generation ?? '0';
  if (stored === null || stored === undefined) return { generation: current, json: undefined, malformed: false };
  const at = stored.indexOf(SEPARATOR);
  if (at < 0) return { generation: current, json: undefined, malformed: true };
  if (stored.slice(0, at) !== current) return { generation: current, json: undefined, malformed: false };
  return { generation: current, json: stored.slice(at + 1), malformed: false };
}

export async function writeValue(
  client: Redis,
  keys: { generation: string; value: string },
  json: string,
  ttlMs: number,
  expectedGeneration?: string,
): Promise<void> {
  await run(client, SET_VALUE, [keys.generation, keys.value], [json, ttlMs, expectedGeneration ?? '']);
}

export async function bumpGeneration(client: Redis, generationKey: string): Promise<void> {
  await run(client, BUMP_GENERATION, [generationKey], []);
}

export async function incrementCounter(
  client: Redis,
  key: string,
  windowMs: number,
): Promise<{ count: number; resetMs: number; repaired: boolean }> {
  const reply = await run(client, INCREMENT, [key], [windowMs]);
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === 'number')) {
    throw new TypeError(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  const [count, resetMs, repaired] = reply as [number, number, number];
  return { count, resetMs, repaired: repaired === 1 };
}
