import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CacheBackendUnavailableError } from '../server/cache';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../server/errors';
import type { AppEnv } from './env';

/** Every error code the API answers with, and its one status. */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof errorStatus;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

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
  return c.json({ error: { code, message, requestId: c.get('requestId') ?? 'unknown' } }, errorStatus[code]);
}

function domainCode(error: DomainError): ErrorCode {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
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
  if (error instanceof DomainError) return errorJson(c, domainCode(error), error.message);
  // Fail closed: Redis is required (CACHE_MODE=strict) and away; the message names no host.
  if (error instanceof CacheBackendUnavailableError) return errorJson(c, 'SERVICE_UNAVAILABLE', error.message);
  if (error instanceof z.ZodError) return errorJson(c, 'VALIDATION_FAILED', formatIssues(error.issues));
  if (error instanceof HTTPException) {
    const code = statusCode(error.status);
    return errorJson(c, code, code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : error.message || code);
  }
  c.get('services')?.log.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
  return errorJson(c, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Validation failures get the same envelope as every other error. */
export const defaultHook = (
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context<AppEnv>,
) => {
  if (!result.success) return errorJson(c, 'VALIDATION_FAILED', formatIssues(result.error.issues));
  return undefined;
};

export const errorResponses = (...codes: ErrorCode[]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => errorStatus[code]))].map((status) => [
      status,
      { description: codes.filter((code) => errorStatus[code] === status).join(' | '), content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );
