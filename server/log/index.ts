import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to a log line, whatever a caller passes in. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-preprocess-tick-secret"]',
  'req.headers["x-api-key"]',
  'headers.cookie',
  'headers.authorization',
  'headers["x-preprocess-tick-secret"]',
  'headers["x-api-key"]',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

/** Bytes of log lines gathered before one write(2) under load (pino.destination minLength). */
const BATCH_BYTES = 4096;
/** A quiet server's last lines still reach stdout within this time. */
const FLUSH_EVERY_MS = 1000;

/** The buffered destination of each logger made with `buffered`, for flushLogger. */
const buffered = new WeakMap<Logger, pino.DestinationStream & { flush(cb?: (error?: Error) => void): void; flushSync(): void }>();

/**
 * `buffered`: stdout through an asynchronous, batched destination, so a request never waits on
 * a synchronous write per line; pino flushes it synchronously on exit, call flushLogger before
 * a clean shutdown. A process killed with SIGKILL loses up to a second of its lines, so only the
 * access log is buffered (createAccessLog); every other line is written at once.
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream; buffered?: boolean; redact?: boolean }): Logger {
  const stream = options.destination ?? (options.buffered ? pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES }) : undefined);
  const logger = pino(
    {
      level: options.level,
      base: { service: 'darkroom' },
      ...(options.redact === false ? {} : { redact: { paths: REDACT, censor: '[redacted]' } }),
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
  if (options.buffered && !options.destination && stream && 'flush' in stream && 'flushSync' in stream) {
    const destination = stream as pino.DestinationStream & { flush(cb?: (error?: Error) => void): void; flushSync(): void };
    buffered.set(logger, destination);
    setInterval(() => destination.flush(), FLUSH_EVERY_MS).unref();
  }
  return logger;
}

/**
 * The access log of a long-running server (`npm start`): one line per request, batched into one
 * write(2) per ~4 KiB and flushed every second. Its lines carry only fixed fields (method, path,
 * status, duration, request id), so the redaction pass every other line gets is skipped.
 */
export const createAccessLog = (level: string): Logger => createLogger({ level, buffered: true, redact: false });

/** Writes out what a buffered logger still holds; resolves at once for any other logger. */
export function flushLogger(logger: Logger): Promise<void> {
  const destination = buffered.get(logger);
  if (!destination) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      destination.flushSync();
    } catch {
      // EAGAIN on a full pipe: fall back to the asynchronous flush
      destination.flush(() => resolve());
      return;
    }
    resolve();
  });
}
