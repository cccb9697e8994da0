import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formData, makeJpeg } from '../../server/testing/photos';
import { TEST_BASE_URL } from '../../server/testing/services';
import { createTestClient, type TestClient } from '../testing/client';

let t: TestClient;
let cookie: string;
beforeAll(async () => {
  t = await createTestClient('pglite', { PREPROCESS_TICKER_ENABLED: 'false' });
  ({ cookie } = await t.owner());
}, 60_000);
afterAll(() => t.close());

/** An upload with the session cookie, sent straight to the app so no test default adds an Origin. */
async function upload(origin?: string) {
  const headers = new Headers({ cookie });
  if (origin) headers.set('origin', origin);
  return t.app.request(`${TEST_BASE_URL}/api/v1/admin/images`, { method: 'POST', headers, body: formData([{ name: 'a.jpg', data: await makeJpeg({ width: 200, height: 150, seed: 77 }) }]) });
}

describe('cookie-authenticated form writes need this site’s Origin', () => {
  it.each([
    ['no Origin header (curl as docs/api.md once showed it)', undefined],
    ['another site’s Origin', 'https://evil.example'],
  ])('refuses %s with 403 and says which header to send', async (_label, origin) => {
    const res = await upload(origin);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(body.error.message).toContain(`Origin: ${TEST_BASE_URL}`);
  });

  it('accepts the upload with the Origin of the address Darkroom is served at', async () => {
    expect((await upload(TEST_BASE_URL)).status).toBe(202);
  });
});
