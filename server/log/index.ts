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

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'darkroom' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
