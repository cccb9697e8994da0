import { errorResponse } from './error-envelope';

/** Largest JSON body of an /api/v1 route (setup, albums, users …); real ones are a few KB. */
export const JSON_BODY_MAX_BYTES = 64 * 1024;
/** Largest body of an /api/auth route (sign-in, sign-out …). */
export const AUTH_BODY_MAX_BYTES = 16 * 1024;
/** A small body that stops arriving for this long is cut off. */
export const BODY_IDLE_MS = 10_000;

export interface BodyLimit {
  maxBytes: number;
  idleMs: number;
  /** Names the variable that sets `maxBytes`, for the error message. */
  variable?: string;
}

/** Why a request body was cut off; the HTTP edges answer 413 or 408. */
export class BodyLimitError extends Error {
  constructor(
    readonly reason: 'too-large' | 'stalled',
    message: string,
  ) {
    super(message);
    this.name = 'BodyLimitError';
  }
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;

export const tooLarge = (limit: BodyLimit) =>
  new BodyLimitError('too-large', `The request body is larger than the ${size(limit.maxBytes)} this endpoint accepts${limit.variable ? ` (${limit.variable})` : ''}`);
const stalled = (limit: BodyLimit) =>
  new BodyLimitError('stalled', `The request body stopped arriving for ${Math.round(limit.idleMs / 1000)} s; the request was cut off`);

/** A declared Content-Length above the limit: refused before a byte is read. */
export function declaredTooLarge(headers: Headers, limit: BodyLimit): boolean {
  const declared = Number(headers.get('content-length'));
  return Number.isFinite(declared) && declared > limit.maxBytes;
}

/**
 * Wraps a body so that reading it fails with BodyLimitError once more than `maxBytes`
 * arrived (whatever Content-Length claimed, chunked or not) or nothing arrived for
 * `idleMs`; the source is cancelled then. The clock only runs while someone reads.
 */
export function limitBody(source: ReadableStream<Uint8Array>, limit: BodyLimit, onLimit?: (error: BodyLimitError) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(stalled(limit)), limit.idleMs);
      });
      try {
        const { done, value } = await Promise.race([reader.read(), idle]);
        if (done) return controller.close();
        received += value.byteLength;
        if (received > limit.maxBytes) throw tooLarge(limit);
        controller.enqueue(value);
      } catch (error) {
        if (error instanceof BodyLimitError) {
          onLimit?.(error);
          reader.cancel(error).catch(() => {});
        }
        controller.error(error);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
    // Pull only when the route reads: a route that refuses first reads nothing.
  }, { highWaterMark: 0 });
}

/** The whole body, at most `maxBytes` of it; throws BodyLimitError beyond that or on a stall. */
export async function readLimited(request: Request, limit: BodyLimit): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array(0);
  if (declaredTooLarge(request.headers, limit)) throw tooLarge(limit);
  const reader = limitBody(request.body, limit).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    length += read.value.byteLength;
  }
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/**
 * A fetch handler whose request bodies are capped (better-auth reads them whole): the
 * body is read up to the limit first, and 413/408 answered in the API's error envelope.
 */
export function withBodyLimit(handler: (request: Request) => Promise<Response>, limit: BodyLimit) {
  return async (request: Request): Promise<Response> => {
    if (!request.body) return handler(request);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readLimited(request, limit);
    } catch (error) {
      if (!(error instanceof BodyLimitError)) throw error;
      // No `Connection: close` (see hono/middleware/body-limit.ts): the server drains, then hangs up.
      return errorResponse(request, error.reason === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'REQUEST_TIMEOUT', error.message);
    }
    const headers = new Headers(request.headers);
    headers.set('content-length', String(body.byteLength));
    headers.delete('transfer-encoding');
    return handler(new Request(request, { body, headers }));
  };
}
