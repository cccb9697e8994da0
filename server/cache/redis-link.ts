import type { Redis } from 'ioredis';
import type { Logger } from '../log';

/** Internal: Redis could not be used for this operation (down, or inside the cooldown). */
export class RedisDownError extends Error {
  override name = 'RedisDownError';
}

/** Who is asking, so a transition can name the operation and namespace that saw it. */
export interface LinkContext {
  operation: string;
  namespace: string | null;
}

export interface LinkOptions {
  url: string;
  log: Logger;
  cooldownMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  now: () => number;
  onDown(context: LinkContext, error: unknown): void;
  onUp(context: LinkContext): void;
  /** Runs on a fresh client after an outage, before the operation that found Redis back. */
  onRecover?(client: Redis): Promise<void>;
}

/** Replies that mean "this Redis cannot serve right now", not "this command was wrong". */
const UNAVAILABLE_REPLIES = ['LOADING', 'READONLY', 'MASTERDOWN', 'CLUSTERDOWN', 'BUSY', 'TRYAGAIN', 'NOAUTH', 'WRONGPASS', 'NOPERM', 'OOM'];

export function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error.name !== 'ReplyError') return true;
  const code = error.message.split(' ', 1)[0] ?? '';
  return UNAVAILABLE_REPLIES.includes(code);
}

/**
 * The manager's one Redis client. A client that fails is dropped, not retried by
 * ioredis; for `cooldownMs` nothing touches Redis, then the next operation builds a
 * fresh client. Transitions (down/up) are reported once each.
 */
export class RedisLink {
  private client: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  /** Moves on whenever a client is dropped; late answers from an old client don't count. */
  private generation = 0;
  private deadUntil = 0;
  private lastDetail = '';
  private closed = false;
  down = false;
  clientsCreated = 0;

  constructor(private readonly options: LinkOptions) {}

  async exec<T>(context: LinkContext, run: (client: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('cache manager is closed');
    if (this.options.now() < this.deadUntil) throw new RedisDownError(`in cooldown after: ${this.lastDetail}`);
    const client = await this.acquire(context);
    const generation = this.generation;
    try {
      if (this.down) await this.options.onRecover?.(client);
      const result = await run(client);
      if (this.down && generation === this.generation) {
        this.down = false;
        this.options.onUp(context);
      }
      return result;
    } catch (error) {
      if (isOutage(error)) throw this.fail(context, error, generation);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }

  private async acquire(context: LinkContext): Promise<Redis> {
    if (this.client?.status === 'ready') return this.client;
    // A client whose connection closed while idle cannot come back (no ioredis retries).
    if (this.client) this.drop();
    // Concurrent operations share one connection attempt, and one failure.
    this.connecting ??= this.connect()
      .catch((error: unknown) => {
        if (this.closed) throw error;
        throw this.fail(context, error, this.generation);
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private async connect(): Promise<Redis> {
    const { url, log, connectTimeoutMs, commandTimeoutMs } = this.options;
    // Loaded with the first connection: a replica without REDIS_URL never loads ioredis.
    const { Redis } = await import('ioredis');
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: connectTimeoutMs,
      commandTimeout: commandTimeoutMs,
      // We decide when to try again (after the cooldown); ioredis must not retry on its own.
      retryStrategy: () => null,
    });
    this.clientsCreated += 1;
    // Failures surface through the operations; this keeps ioredis from printing them and
    // keeps the real cause (ECONNREFUSED…), which connect() reports as "Connection is closed".
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
      log.debug({ err: error.message }, 'cache redis client error');
    });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw lastError ?? error;
    }
    if (this.closed) {
      client.disconnect();
      throw new Error('cache manager is closed');
    }
    this.client = client;
    return client;
  }

  private drop(): void {
    this.client?.disconnect();
    this.client = undefined;
    this.generation += 1;
  }

  /** Marks Redis dead (once per client) and returns the error the caller throws. */
  private fail(context: LinkContext, error: unknown, generation: number): RedisDownError {
    const detail = error instanceof Error ? error.message : String(error);
    if (generation === this.generation) {
      this.drop();
      this.deadUntil = this.options.now() + this.options.cooldownMs;
      this.lastDetail = detail;
      if (!this.down) {
        this.down = true;
        this.options.onDown(context, error);
      }
    }
    return new RedisDownError(detail, { cause: error });
  }
}
