import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { CacheBackendUnavailableError } from '../server/cache';
import { BodyLimitError } from '../server/http/body-limit';
import { type ErrorCode, errorBody, errorEnvelope, errorStatus } from '../server/http/error-envelope';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../server/errors';
import type { AppEnv } from './env';

export { errorStatus, type ErrorCode };

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorJson(c: Context<AppEnv>, code: ErrorCode, message: string) {
  return c.json(errorBody(code, message, c.get('requestId') ?? 'unknown'), errorStatus[code]);
}

function domainCode(error: DomainError): ErrorCode {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof UnauthorizedError) return 'UNAUTHORIZED';
  if (error instanceof TooManyRequestsError) return 'TOO_MANY_REQUESTS';
  if (error instanceof ValidationError) return 'VALIDATION_FAILED';
  if (error instanceof UnavailableError) return 'SERVICE_UNAVAILABLE';
  if (error instanceof PayloadTooLargeError) return 'PAYLOAD_TOO_LARGE';
  if (error instanceof UnsupportedMediaTypeError) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'BAD_REQUEST';
}

const statusCode = (status: number): ErrorCode =>
  (Object.entries(errorStatus).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ??
  (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');

/** Ours, Hono's, unknown. The unknown branch never echoes its message. */
export function onError(error: Error, c: Context<AppEnv>) {
  if (error instanceof ApiError) return errorJson(c, error.code, error.message);
  if (error instanceof TooManyRequestsError) c.header('Retry-After', String(error.retryAfterSeconds));
  if (error instanceof DomainError) return errorJson(c, domainCode(error), error.message);
  // Fail closed: Redis is required (CACHE_MODE=strict) and away; the message names no host.
  if (error instanceof CacheBackendUnavailableError) return errorJson(c, 'SERVICE_UNAVAILABLE', error.message);
  if (error instanceof z.ZodError) return errorJson(c, 'VALIDATION_FAILED', formatIssues(error.issues));
  if (error instanceof BodyLimitError) return errorJson(c, error.reason === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'REQUEST_TIMEOUT', error.message);
  if (error instanceof HTTPException) {
    const code = statusCode(error.status);
    return errorJson(c, code, code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : error.message || code);
  }
  const log = c.get('services')?.log;
  // SQLSTATE class 22 (data exception): a value from the request the database cannot hold.
  if (/^22/.test(databaseCode(error) ?? '')) {
    log?.warn({ error: loggableError(error), requestId: c.get('requestId') }, 'request value refused by the database');
    return errorJson(c, 'VALIDATION_FAILED', 'The request contains a value that cannot be stored (for example a NUL character or a number out of range)');
  }
  log?.error({ error: loggableError(error), requestId: c.get('requestId') }, 'unhandled error');
  return errorJson(c, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let e = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  return chain;
};

/** The first SQLSTATE in the error's cause chain (postgres-js and PGlite errors carry `code`). */
function databaseCode(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * What a log line needs of an error: type, message, SQLSTATE and stack frames, for it and
 * its causes. Never a driver's query text or parameters (drizzle puts both in its message).
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error).slice(0, 500) };
  const fields = error as Error & { query?: unknown; code?: unknown };
  const echoesQuery = error.message.startsWith('Failed query') || (typeof fields.query === 'string' && fields.query !== '' && error.message.includes(fields.query));
  return {
    type: error.name,
    message: echoesQuery ? 'database query failed (the query text is not logged)' : error.message.slice(0, 1000),
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    stack: (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n'),
    ...(error.cause !== undefined && depth < 4 ? { cause: loggableError(error.cause, depth + 1) } : {}),
  };
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Control characters a text field never needs (TAB, LF and CR are allowed); PostgreSQL rejects NUL. */
const BODY_CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The path of the first string in `value` with a control character, or undefined. */
function controlCharAt(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return BODY_CONTROL_CHARS.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = controlCharAt(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Validation failures get the same envelope as every other error; so do control characters in valid input. */
export const defaultHook = (
  result: { success: true; data?: unknown } | { success: false; error: z.ZodError },
  c: Context<AppEnv>,
) => {
  if (!result.success) return errorJson(c, 'VALIDATION_FAILED', formatIssues(result.error.issues));
  const at = controlCharAt(result.data);
  if (at) return errorJson(c, 'VALIDATION_FAILED', `${at.join('.') || 'value'}: must not contain control characters (such as NUL)`);
  return undefined;
};

export const errorResponses = (...codes: ErrorCode[]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => errorStatus[code]))].map((status) => [
      status,
      { description: codes.filter((code) => errorStatus[code] === status).join(' | '), content: { 'application/json': { schema: errorEnvelope } } },
    ]),
  );
