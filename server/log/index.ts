import pino, { type Logger } from 'pino';
import { BatchedDestination } from './batched';

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

let isoMs = Number.NaN;
let isoField = '';

/**
 * pino's isoTime, formatted once per millisecond: under load a server writes many lines
 * within the same one, and formatting a Date cost each line ~0.5 µs.
 */
function isoTime(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return isoField;
}

/** The batched destination of each logger made with `buffered`, for flushLogger. */
const buffered = new WeakMap<Logger, BatchedDestination>();

/**
 * `buffered`: lines are kept in memory and written to stdout in blocks (batched.ts), so a
 * request costs no write(2) of its own; the rest is written on exit, call flushLogger before a
 * clean shutdown. A process killed with SIGKILL loses up to a second of its lines, so only the
 * access log is buffered (createAccessLog); every other line is written at once.
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream; buffered?: boolean; redact?: boolean }): Logger {
  const batched = options.buffered && !options.destination ? new BatchedDestination() : undefined;
  const logger = pino(
    {
      level: options.level,
      base: { service: 'darkroom' },
      ...(options.redact === false ? {} : { redact: { paths: REDACT, censor: '[redacted]' } }),
      timestamp: isoTime,
    },
    batched ?? options.destination,
  );
  if (batched) buffered.set(logger, batched);
  return logger;
}

/**
 * The access log of a long-running server (`npm start`): one line per request, written in blocks
 * of ~16 KiB and at least once a second. Its lines carry only fixed fields (method, path,
 * status, duration, request id), so the redaction pass every other line gets is skipped.
 */
export const createAccessLog = (level: string): Logger => createLogger({ level, buffered: true, redact: false });

/** Writes out what a buffered logger still holds; resolves at once for any other logger. */
export function flushLogger(logger: Logger): Promise<void> {
  buffered.get(logger)?.flushSync();
  return Promise.resolve();
}
