import type { Page } from '@playwright/test';
import { makeJpeg } from '../server/testing/photos';
import { expect, test } from './fixtures';

const ALBUM = { title: 'Share walk', description: 'For the family only' } as const;
// Seeds no other spec uses: the bytes, and so the images, are this spec's own.
const SEEDS = [951, 952];
const PASSWORD = 'letmein-42';

async function screenshots(page: Page, name: string, project: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `test-results/screenshots/${name}-${project}-${colorScheme}.png`, fullPage: true });
  }
}

/*
 * Issue 9's share links in a real browser: the admin makes a password link in the album's
 * panel, a visitor (no session) is refused a wrong password and sees the photos with the
 * right one; a revoked link and an expired link are 404.
 */
test('a password share link: made in the admin UI, opened by a visitor, then revoked; an expired link is 404', async ({ ownerPage: page, baseURL, browser, context }, testInfo) => {
  test.setTimeout(180_000);
  const headers = { origin: baseURL ?? '' };
  const ids: string[] = [];
  for (const seed of SEEDS) {
    const upload = await page.request.post('/api/v1/admin/images', {
      headers,
      multipart: { files: { name: `share-${seed}.jpg`, mimeType: 'image/jpeg', buffer: await makeJpeg({ width: 900, height: 600, seed }) } },
    });
    expect(upload.status(), await upload.text()).toBe(202);
    ids.push(((await upload.json()) as { items: { id: string }[] }).items[0]?.id ?? '');
  }
  const created = await page.request.post('/api/v1/admin/albums', { headers, data: { ...ALBUM, visibility: 'private', allowDownload: true } });
  expect(created.status(), await created.text()).toBe(201);
  const album = (await created.json()) as { id: string; slug: string };
  for (const id of ids) {
    const statusOf = async () => ((await (await page.request.get(`/api/v1/admin/images/${id}`)).json()) as { status: string }).status;
    await expect.poll(statusOf, { timeout: 120_000 }).toBe('ready');
    expect((await page.request.patch(`/api/v1/admin/images/${id}`, { headers, data: { albumId: album.id } })).status()).toBe(200);
  }

  // Admin: the album's Share links panel makes a password link and shows its URL once.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await page.goto('/admin/albums');
  await page.getByTestId(`album-${album.slug}`).getByRole('button', { name: 'Edit' }).click();
  const panel = page.getByRole('region', { name: `Share links of ${ALBUM.title}` });
  const form = panel.getByRole('form', { name: 'New share link' });
  await form.getByLabel('Label').fill('Grandma');
  await form.getByLabel('Password (optional)').fill(PASSWORD);
  await form.getByRole('button', { name: 'Create link' }).click();
  const urlField = panel.getByLabel('New share link URL');
  await expect(urlField).toHaveValue(new RegExp(`/s/[A-Za-z0-9_-]{43}$`));
  const url = await urlField.inputValue();
  await panel.getByRole('button', { name: 'Copy' }).click();
  await expect(panel.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  const row = panel.getByRole('row').filter({ hasText: 'Grandma' });
  await expect(row).toContainText('active');

  // Visitor: no session, only the link.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  try {
    const locked = await visitor.goto(url);
    expect(locked?.status()).toBe(200);
    await expect(visitor.getByTestId('share-locked')).toBeVisible();
    await expect(visitor.getByText(ALBUM.title)).toHaveCount(0);
    await screenshots(visitor, 'share-locked', testInfo.project.name);

    await visitor.getByLabel('Password').fill('not the password');
    await visitor.getByRole('button', { name: 'View album' }).click();
    await expect(visitor.getByTestId('share-locked').getByRole('alert')).toHaveText('Wrong password. Try again.');

    await visitor.getByLabel('Password').fill(PASSWORD);
    await visitor.getByRole('button', { name: 'View album' }).click();
    await expect(visitor.getByRole('heading', { name: ALBUM.title })).toBeVisible();
    const tiles = visitor.getByTestId('justified-grid').getByRole('listitem');
    await expect(tiles).toHaveCount(2);
    // The photos' bytes come through the link's own files route, with the access cookie.
    const img = tiles.first().locator('img');
    await expect(img).toHaveAttribute('src', /\/api\/v1\/shares\/[A-Za-z0-9_-]{43}\/files\/variants\//);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await screenshots(visitor, 'share-album', testInfo.project.name);

    // A photo of the share: large view, EXIF, next/previous within the album.
    await tiles.first().getByRole('link').click();
    await expect(visitor).toHaveURL(/\/s\/[A-Za-z0-9_-]{43}\/p\//);
    await expect(visitor.getByTestId('photo-view')).toBeVisible();
    await expect(visitor.getByTestId('exif-panel')).toContainText('Test Camera');
    await visitor.keyboard.press('ArrowRight');
    await expect(visitor.getByTestId('photo-view')).toHaveAttribute('data-photo-id', ids[0] ?? '');
    // The album allows downloads: the original comes through the link, as an attachment.
    const download = visitor.getByTestId('download-original');
    await expect(download).toHaveAttribute('href', new RegExp(`^/api/v1/shares/[A-Za-z0-9_-]{43}/images/${ids[0]}/original$`));
    const original = await visitor.request.get((await download.getAttribute('href')) ?? '');
    expect(original.status()).toBe(200);
    expect(original.headers()['content-disposition']).toContain('attachment');
    await screenshots(visitor, 'share-photo', testInfo.project.name);

    // Admin: one open counted (album views, not photos); revoke it.
    await page.reload();
    await page.getByTestId(`album-${album.slug}`).getByRole('button', { name: 'Edit' }).click();
    await expect(row.getByRole('cell').nth(4)).toHaveText('1');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke Grandma' }).click();
    await expect(row).toContainText('revoked');

    const revoked = await visitor.goto(url);
    expect(revoked?.status()).toBe(404);

    // An expiry must lie in the future; a link made to expire in a few seconds is 404 once it has.
    const soon = await page.request.post(`/api/v1/admin/albums/${album.id}/shares`, { headers, data: { label: 'soon', expiresAt: new Date(Date.now() + 4000).toISOString() } });
    expect(soon.status(), await soon.text()).toBe(201);
    const soonUrl = ((await soon.json()) as { url: string }).url;
    expect((await visitor.goto(soonUrl))?.status()).toBe(200);
    await expect.poll(async () => (await visitor.goto(soonUrl))?.status(), { timeout: 20_000, intervals: [1000] }).toBe(404);
    await screenshots(visitor, 'share-gone', testInfo.project.name);
  } finally {
    await visitorContext.close();
  }
});
