import { z } from 'zod';

/** Every error code the API answers with, and its one status. */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof errorStatus;

/** The one error envelope of /api/v1 and of Darkroom's own answers on /api/auth. */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

export const errorBody = (code: ErrorCode, message: string, requestId: string): ErrorEnvelope => ({ error: { code, message, requestId } });

/** An error answer outside Hono (the auth handler): the caller's X-Request-Id when plain, else a new one. */
export function errorResponse(request: Request, code: ErrorCode, message: string, headers?: HeadersInit): Response {
  const given = request.headers.get('x-request-id') ?? '';
  const requestId = /^[\w\-=]{1,128}$/.test(given) ? given : crypto.randomUUID();
  const response = Response.json(errorBody(code, message, requestId), { status: errorStatus[code], headers });
  response.headers.set('X-Request-Id', requestId);
  return response;
}
