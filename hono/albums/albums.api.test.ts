import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../testing/client';

/* One schema per input: the rules server/albums enforces are the ones the API validates and documents. */

let t: TestClient;
let cookie: string;

beforeAll(async () => {
  t = await createTestClient('pglite');
  ({ cookie } = await t.owner());
}, 60_000);
afterAll(() => t.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('album input', () => {
  it('refuses a slug that is not lowercase words with single dashes, and a position past the cap', async () => {
    const slug = await t.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Trip', slug: 'Summer 2024!' } });
    expect(slug.status).toBe(400);
    expect(await errorOf(slug)).toMatchObject({ code: 'VALIDATION_FAILED', message: 'slug: use lowercase letters, digits and single dashes' });

    const position = await t.api('/admin/albums', { method: 'POST', cookie, json: { title: 'Trip', position: 1_000_001 } });
    expect(position.status).toBe(400);
    expect((await errorOf(position)).message).toMatch(/^position: /);
  });

  it('the OpenAPI document states those rules for creating and editing an album', async () => {
    type Property = { pattern?: string; maximum?: number; minLength?: number };
    const doc = (await (await t.api('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: Record<string, Property> }> } };
    for (const name of ['CreateAlbum', 'UpdateAlbum']) {
      const { slug, position } = doc.components.schemas[name]?.properties ?? {};
      expect(slug, name).toMatchObject({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1 });
      expect(position, name).toMatchObject({ maximum: 1_000_000 });
    }
  });
});
