import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../../hono/testing/client';
import { TEST_BASE_URL } from '../../server/testing/services';
import { type Api, ApiRequestError, call, createApi } from './api';

/*
 * The admin UI's client is typed by the API's own routes; these calls go through the real
 * app (app.request), with the session cookie and the Origin a browser sends.
 */

let t: TestClient;
let signedIn: Api;
let anonymous: Api;

const clientFor = (cookie?: string) =>
  createApi(TEST_BASE_URL, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(t.app.request(input, init)),
    headers: { origin: TEST_BASE_URL, ...(cookie ? { cookie } : {}) },
  });

beforeAll(async () => {
  t = await createTestClient('pglite');
  const { cookie } = await t.owner();
  signedIn = clientFor(cookie);
  anonymous = clientFor();
}, 60_000);
afterAll(() => t.close());

describe('the typed API client of the admin UI', () => {
  it('answers with the body of the route: create, read, edit, delete an album', async () => {
    const album = await call(signedIn.admin.albums.$post({ json: { title: 'Client Trip' } }));
    expect(album).toMatchObject({ title: 'Client Trip', slug: 'client-trip', visibility: 'private', imageCount: 0 });
    const edited = await call(signedIn.admin.albums[':id'].$patch({ param: { id: album.id }, json: { visibility: 'public' } }));
    expect(edited.visibility).toBe('public');
    const { items } = await call(signedIn.admin.albums.$get());
    expect(items.map((a) => a.id)).toContain(album.id);
    expect(await call(signedIn.admin.albums[':id'].$delete({ param: { id: album.id } }))).toBeUndefined();
  });

  it('turns the error envelope into an ApiRequestError with the message shown to the user', async () => {
    const refused = await call(signedIn.admin.albums.$post({ json: { title: 'Bad', slug: 'Not A Slug!' } })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiRequestError);
    expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'slug: use lowercase letters, digits and single dashes' });

    const missing = await call(signedIn.admin.images[':id'].$get({ param: { id: 'no-such-image' } })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'Image not found' });
  });

  it('signed out: the admin routes refuse with the API message', async () => {
    const refused = await call(anonymous.admin.me.$get()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Sign in to use the admin API' });
  });
});
