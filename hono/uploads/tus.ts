import type { Context } from 'hono';
import { errorBody, type ErrorCode, errorStatus } from '../../server/http/error-envelope';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

const codeOf = (status: number): ErrorCode =>
  status === 400 ? 'BAD_REQUEST' : status === 422 ? 'VALIDATION_FAILED' : ((Object.entries(errorStatus).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'));

/**
 * Hands one tus request to @tus/server. Writes must come from the server's own origin (the
 * browser sends Origin on POST/PATCH/DELETE; a script with the session cookie sends it too).
 * tus answers errors as plain text; they become the usual error envelope (the tus headers
 * stay), so a refused file reads like any other refusal and a client never reports it as done.
 */
export async function tusHandler(c: Context<AppEnv>) {
  const { uploads, config } = c.get('services');
  const origin = new URL(config.auth.baseUrl).origin;
  if (['POST', 'PATCH', 'DELETE'].includes(c.req.method) && c.req.header('origin') !== origin) {
    throw new ApiError('FORBIDDEN', `Resumable uploads are accepted from ${origin} only; a script that uses the session cookie sends the header "Origin: ${origin}".`);
  }
  const response = await uploads.handle(c.req.raw);
  if (response.status < 400) return response;
  const code = codeOf(response.status);
  const message = (await response.text()).trim() || code;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  // 422 is tus's "file refused"; the envelope's code says VALIDATION_FAILED with status 400.
  const status = code === 'VALIDATION_FAILED' ? errorStatus.VALIDATION_FAILED : response.status;
  return new Response(JSON.stringify(errorBody(code, message, c.get('requestId') ?? 'unknown')), { status, headers });
}
