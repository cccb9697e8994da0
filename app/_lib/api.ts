'use client';
import { type ClientRequestOptions, type ClientResponse, DetailedError, hc, type InferRequestType, type InferResponseType, parseResponse } from 'hono/client';
import type { App } from '../../hono/app';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** /api/v1, typed by the API's own routes (hono/app.ts): no shape is copied into the UI. */
export const createApi = (baseUrl: string, options?: ClientRequestOptions) => hc<App>(baseUrl, options).api.v1;
export type Api = ReturnType<typeof createApi>;

/**
 * The admin UI's client. Same origin: the browser sends the session cookie, and on writes
 * the Origin header the API checks against cross-site requests.
 */
export const api = createApi('/', { init: { credentials: 'same-origin' } });

/** The code and message of an error envelope `{ error: { code, message } }`, when `data` is one. */
export function envelopeOf(data: unknown): { code?: string; message?: string } {
  if (typeof data !== 'object' || data === null || !('error' in data)) return {};
  const { error } = data;
  if (typeof error !== 'object' || error === null) return {};
  return {
    code: 'code' in error && typeof error.code === 'string' ? error.code : undefined,
    message: 'message' in error && typeof error.message === 'string' ? error.message : undefined,
  };
}

/** The body of a 2xx answer, typed by its route; any other answer throws ApiRequestError with the API's message. */
export async function call<T extends ClientResponse<unknown>>(request: Promise<T>) {
  try {
    return await parseResponse(request);
  } catch (error) {
    if (!(error instanceof DetailedError)) throw error;
    const status = typeof error.statusCode === 'number' ? error.statusCode : 0;
    const data: unknown = error.detail?.data;
    const { code, message } = envelopeOf(data);
    throw new ApiRequestError(status, code ?? 'UNKNOWN', message ?? `Request failed (${status})`);
  }
}

// The shapes the UI renders, as the API answers them.
export type AdminImage = InferResponseType<Api['admin']['images'][':id']['$get'], 200>;
export type ImagePage = InferResponseType<Api['admin']['images']['$get'], 200>;
export type Album = InferResponseType<Api['admin']['albums'][':id']['$get'], 200>;
export type AlbumPatch = InferRequestType<Api['admin']['albums'][':id']['$patch']>['json'];
export type JobPage = InferResponseType<Api['admin']['jobs']['$get'], 200>;
export type Job = JobPage['items'][number];
export type Worker = InferResponseType<Api['admin']['workers'][':id']['drain']['$post'], 200>;
export type AvailabilityStatus = InferResponseType<Api['status']['$get'], 200>;
export type User = InferResponseType<Api['admin']['me']['$get'], 200>;
export type Share = InferResponseType<Api['admin']['albums'][':id']['shares']['$get'], 200>['items'][number];
export type CreatedShare = InferResponseType<Api['admin']['albums'][':id']['shares']['$post'], 201>;
export type ApiKey = InferResponseType<Api['admin']['api-keys']['$get'], 200>['items'][number];
export type CreatedApiKey = InferResponseType<Api['admin']['api-keys']['$post'], 201>;
