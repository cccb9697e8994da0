import type { APIRequestContext, Page } from '@playwright/test';
import { makeJpeg } from '../server/testing/photos';
import { expect, OWNER, test } from './fixtures';

// Albums and seeds no other spec uses.
const WALK = { slug: 'gallery-walk', title: 'Gallery walk' } as const; // public, no GPS, downloads allowed
const MAPS = { slug: 'gallery-maps', title: 'Gallery maps' } as const; // public, GPS allowed
const HIDDEN = { slug: 'gallery-hidden', title: 'Gallery hidden' } as const; // private
const SHOTS = 'test-results/screenshots';

interface AdminImage {
  id: string;
  status: string;
}

/** The owner's API client (session cookie + Origin), apart from the visitor's browser page. */
async function adminApi(request: APIRequestContext, baseURL: string) {
  const headers = { origin: baseURL };
  const signIn = await request.post('/api/auth/sign-in/email', { data: { email: OWNER.email, password: OWNER.password }, headers });
  expect(signIn.status(), await signIn.text()).toBe(200);
  return {
    async album(input: Record<string, unknown>): Promise<string> {
      const res = await request.post('/api/v1/admin/albums', { data: input, headers });
      expect(res.status(), await res.text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    },
    async upload(name: string, buffer: Buffer): Promise<string> {
      const res = await request.post('/api/v1/admin/images', { multipart: { files: { name, mimeType: 'image/jpeg', buffer } }, headers });
      expect(res.status(), await res.text()).toBe(202);
      const [image] = ((await res.json()) as { items: AdminImage[] }).items;
      expect(image?.id).toBeTruthy();
      return image?.id ?? '';
    },
    /** Many files in one multipart request (the field `files`). */
    async uploadMany(files: { name: string; buffer: Buffer }[]): Promise<string[]> {
      const form = new FormData();
      for (const file of files) form.append('files', new Blob([new Uint8Array(file.buffer)], { type: 'image/jpeg' }), file.name);
      const res = await request.post('/api/v1/admin/images', { multipart: form, headers });
      expect(res.status(), await res.text()).toBe(202);
      return ((await res.json()) as { items: AdminImage[] }).items.map((i) => i.id);
    },
    async ready(id: string) {
      await expect
        .poll(async () => ((await (await request.get(`/api/v1/admin/images/${id}`)).json()) as AdminImage).status, { timeout: 90_000, intervals: [500, 1000] })
        .toBe('ready');
    },
    async move(id: string, albumId: string) {
      const res = await request.patch(`/api/v1/admin/images/${id}`, { data: { albumId }, headers });
      expect(res.status(), await res.text()).toBe(200);
    },
  };
}

async function screenshots(page: Page, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a visitor browses home → album → photo (modal, keys, EXIF) → back at the same scroll position; private albums are 404', async ({ page, request, baseURL, playwright }) => {
  test.setTimeout(240_000);
  if (!baseURL) throw new Error('baseURL is not set');
  const admin = await adminApi(request, baseURL);

  // Seed: seven photos (one portrait) in the walk album, one each in the GPS album and the private one.
  const walkId = await admin.album({ ...WALK, visibility: 'public', allowGps: false, allowDownload: true, description: 'A walk through the gallery' });
  const mapsId = await admin.album({ ...MAPS, visibility: 'public', allowGps: true });
  const hiddenId = await admin.album({ ...HIDDEN, visibility: 'private' });
  const sizes = [[900, 600], [600, 900], [900, 600], [1000, 500], [900, 600], [800, 600], [900, 600]] as const;
  const walk: string[] = [];
  for (const [i, [width, height]] of sizes.entries()) walk.push(await admin.upload(`gallery-${i}.jpg`, await makeJpeg({ width, height, seed: 801 + i })));
  const mapsPhoto = await admin.upload('gallery-maps.jpg', await makeJpeg({ width: 900, height: 600, seed: 820 }));
  const hiddenPhoto = await admin.upload('gallery-hidden.jpg', await makeJpeg({ width: 900, height: 600, seed: 821 }));
  for (const id of [...walk, mapsPhoto, hiddenPhoto]) await admin.ready(id);
  for (const id of walk) await admin.move(id, walkId);
  await admin.move(mapsPhoto, mapsId);
  await admin.move(hiddenPhoto, hiddenId);
  // The album's order as the JSON API gives it: the gallery must show the same.
  const apiOrder = ((await (await request.get(`/api/v1/albums/${WALK.slug}?limit=100`)).json()) as { images: { items: { id: string }[] } }).images.items.map((i) => i.id);
  expect([...apiOrder].sort()).toEqual([...walk].sort());

  // Every request the visitor's pages make: none may fetch an original.
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));

  // Home: the site title and the public albums; never the private one.
  await page.setViewportSize({ width: 390, height: 740 });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Darkroom' })).toBeVisible();
  await expect(page.getByTestId(`album-card-${WALK.slug}`)).toContainText('7 photos');
  await expect(page.getByTestId(`album-card-${MAPS.slug}`)).toBeVisible();
  await expect(page.getByTestId(`album-card-${HIDDEN.slug}`)).toHaveCount(0);
  await screenshots(page, 'home');

  // Album: justified grid, <picture> with AVIF and WebP srcset, width/height on every <img>.
  await page.getByTestId(`album-card-${WALK.slug}`).click();
  await expect(page).toHaveURL(new RegExp(`/a/${WALK.slug}$`));
  await expect(page.getByRole('heading', { level: 1, name: WALK.title })).toBeVisible();
  await expect(page).toHaveTitle(`${WALK.title} · Darkroom`);
  const grid = page.getByTestId('justified-grid');
  await expect(grid.locator('li')).toHaveCount(7);
  expect(await grid.locator('li').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-testid')))).toEqual(apiOrder.map((id) => `tile-${id}`));
  const images = await page.locator('img').evaluateAll((list) => list.map((img) => ({ width: img.getAttribute('width'), height: img.getAttribute('height'), loading: img.getAttribute('loading'), priority: img.getAttribute('fetchpriority'), src: img.getAttribute('src') })));
  expect(images.length).toBeGreaterThanOrEqual(7);
  for (const img of images) {
    expect(Number(img.width), img.src ?? '').toBeGreaterThan(0);
    expect(Number(img.height), img.src ?? '').toBeGreaterThan(0);
  }
  expect(images[0]).toMatchObject({ loading: 'eager', priority: 'high' });
  expect(images.at(-1)?.loading).toBe('lazy');
  const firstTile = grid.locator('li').first();
  expect(await firstTile.locator('source[type="image/avif"]').getAttribute('srcset')).toMatch(/\.avif \d+w/);
  expect(await firstTile.locator('source[type="image/webp"]').getAttribute('srcset')).toMatch(/\.webp \d+w/);
  await expect(firstTile.locator('.g-picture')).toHaveAttribute('style', /background-image:\s*url\("?data:image\/png;base64,/);
  await screenshots(page, 'album');

  // On a short phone screen, scroll to the sixth photo and open it: it shows over the album.
  await page.setViewportSize({ width: 390, height: 480 });
  const target = apiOrder[5] ?? '';
  const tile = page.getByTestId(`tile-${target}`);
  await tile.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 40));
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(100);
  await tile.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/p/${target}$`));
  const modal = page.getByTestId('photo-modal');
  await expect(modal).toBeVisible();
  await expect(modal.getByTestId('photo-view')).toHaveAttribute('data-photo-id', target);
  await expect(page.getByRole('heading', { level: 1, name: WALK.title })).toBeAttached(); // the album is still underneath

  // EXIF panel; no location in an album that forbids GPS; the original is offered here.
  const exif = modal.getByTestId('exif-panel');
  await expect(exif.getByTestId('exif-camera')).toContainText('Darkroom Test Camera');
  await expect(exif.getByTestId('exif-aperture')).toContainText('f/5.6');
  await expect(exif.getByTestId('exif-shutter')).toContainText('1/250 s');
  await expect(exif.getByTestId('exif-iso')).toContainText('200');
  await expect(exif.getByTestId('exif-focal-length')).toContainText('35 mm');
  await expect(exif.getByTestId('exif-location')).toHaveCount(0);
  await expect(modal.getByTestId('download-original')).toHaveAttribute('href', `/api/v1/images/${target}/original`);
  await screenshots(page, 'photo-over-album');

  // ← / → walk the album in its order, inside the modal.
  for (const [key, index] of [['ArrowRight', 6], ['ArrowLeft', 5], ['ArrowLeft', 4]] as const) {
    await page.keyboard.press(key);
    await expect(page).toHaveURL(new RegExp(`/p/${apiOrder[index]}$`));
    await expect(modal.getByTestId('photo-view')).toHaveAttribute('data-photo-id', apiOrder[index] ?? '');
  }

  // Escape closes the modal: back on the album, at the same scroll position.
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(new RegExp(`/a/${WALK.slug}$`));
  await expect(modal).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrolled);

  // A direct load of a photo is a full page with its link previews; the album allows GPS here.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/p/${mapsPhoto}`);
  await expect(page.getByTestId('photo-modal')).toHaveCount(0);
  await expect(page.getByTestId('photo-view')).toHaveAttribute('data-photo-id', mapsPhoto);
  await expect(page.getByTestId('exif-location')).toContainText('48.85667, 2.35083');
  await expect(page.getByTestId('download-original')).toHaveCount(0);
  await expect(page.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary_large_image');
  await expect(page.locator('meta[property="og:image"]').first()).toHaveAttribute('content', new RegExp(`^${baseURL}/api/v1/files/.+\\.webp$`));
  await screenshots(page, 'photo');

  // The walk album's photo page: no location, and its preview names the album.
  await page.goto(`/p/${target}`);
  await expect(page.getByTestId('exif-location')).toHaveCount(0);
  await expect(page.locator('meta[property="og:description"]')).toHaveAttribute('content', WALK.title);
  // A swipe to the left (pointer events) shows the next photo.
  const stage = await page.locator('.g-stage').boundingBox();
  if (!stage) throw new Error('no photo stage');
  const y = stage.y + stage.height / 2;
  await page.mouse.move(stage.x + stage.width * 0.7, y);
  await page.mouse.down();
  await page.mouse.move(stage.x + stage.width * 0.2, y, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(new RegExp(`/p/${apiOrder[6]}$`));
  await expect(page.getByTestId('photo-view')).toHaveAttribute('data-photo-id', apiOrder[6] ?? '');
  await expect(page.getByTestId('photo-modal')).toHaveCount(0); // a full page stays a full page
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(new RegExp(`/p/${target}$`));
  await expect(page.getByTestId('photo-view')).toHaveAttribute('data-photo-id', target);

  // No gallery page fetched an original; the download link serves one, the private album does not exist.
  const originals = requested.filter((url) => url.includes('/original') || url.includes('/originals/'));
  expect(originals).toEqual([]);
  expect(requested.some((url) => url.includes('.avif') || url.includes('.webp'))).toBe(true);

  const visitor = await playwright.request.newContext({ baseURL });
  try {
    const download = await visitor.get(`/api/v1/images/${target}/original`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect((await visitor.get(`/api/v1/images/${mapsPhoto}/original`)).status()).toBe(404);
  } finally {
    await visitor.dispose();
  }

  expect((await page.goto(`/a/${HIDDEN.slug}`))?.status()).toBe(404);
  expect((await page.goto(`/p/${hiddenPhoto}`))?.status()).toBe(404);
});

test('a long album loads further pages by keyset cursor as the visitor scrolls, in the JSON API order', async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  if (!baseURL) throw new Error('baseURL is not set');
  const admin = await adminApi(request, baseURL);
  const LONG = { slug: 'gallery-long', title: 'Gallery long' };
  const albumId = await admin.album({ ...LONG, visibility: 'public' });
  // One more page than the server renders (30 photos a page).
  const files = await Promise.all(Array.from({ length: 34 }, async (_, i) => ({ name: `long-${i}.jpg`, buffer: await makeJpeg({ width: 400, height: i % 3 ? 300 : 500, seed: 840 + i }) })));
  const ids = await admin.uploadMany(files);
  expect(new Set(ids).size).toBe(files.length);
  for (const id of ids) await admin.ready(id);
  for (const id of ids) await admin.move(id, albumId);
  const apiOrder = ((await (await request.get(`/api/v1/albums/${LONG.slug}?limit=100`)).json()) as { images: { items: { id: string }[] } }).images.items.map((i) => i.id);

  const pages: string[] = [];
  page.on('request', (r) => r.url().includes(`/api/v1/albums/${LONG.slug}?`) && pages.push(r.url()));
  await page.goto(`/a/${LONG.slug}`);
  const tiles = page.getByTestId('justified-grid').locator('li');
  await expect(tiles).toHaveCount(30);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(tiles).toHaveCount(34);
  expect(pages).toHaveLength(1);
  expect(pages[0]).toContain('cursor=');
  expect(await tiles.evaluateAll((list) => list.map((t) => t.getAttribute('data-testid')))).toEqual(apiOrder.map((id) => `tile-${id}`));
  await expect(page.getByRole('button', { name: 'More photos' })).toHaveCount(0);
  for (const img of await page.locator('img').evaluateAll((list) => list.map((i) => [i.getAttribute('width'), i.getAttribute('height')]))) {
    expect(Number(img[0])).toBeGreaterThan(0);
    expect(Number(img[1])).toBeGreaterThan(0);
  }
});
