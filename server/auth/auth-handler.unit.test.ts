import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors';
import { authRequestHandler } from '.';

const request = () => new Request('http://localhost/api/auth/sign-in/email', { method: 'POST', headers: { 'x-request-id': 'auth-1' } });

describe('authRequestHandler', () => {
  it('answers 503 in the API error envelope when the shared rate limiter is away (fails closed)', async () => {
    const handler = authRequestHandler({ handler: () => Promise.reject(new UnavailableError('The rate limiter is unavailable')) });
    const res = await handler(request());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The rate limiter is unavailable', requestId: 'auth-1' } });
  });

  it("passes better-auth's own answers and other errors through unchanged", async () => {
    const own = Response.json({ code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' }, { status: 401 });
    expect(await authRequestHandler({ handler: async () => own })(request())).toBe(own);
    const failure = new Error('boom');
    await expect(authRequestHandler({ handler: () => Promise.reject(failure) })(request())).rejects.toBe(failure);
  });
});
