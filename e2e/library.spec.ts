import { makeJpeg } from '../server/testing/photos';
import { dropFiles, expect, test } from './fixtures';

const ALBUM = { title: 'Library walk', slug: 'library-walk' } as const;
// Seeds no other spec uses: the bytes, and so the images, are this spec's own.
const SEEDS = [501, 502, 503] as const;

interface PublicVariant {
  width: number;
  height: number;
  format: string;
  bytes: number;
  url: string;
}
interface PublicAlbumPage {
  album: { slug: string; title: string; imageCount: number };
  images: { items: { id: string; status: string; variants: PublicVariant[] }[]; nextCursor: string | null };
}

test('uploaded photos develop, join an album and reach the public API once the album is made public', async ({ ownerPage: page, baseURL, playwright }) => {
  // Three uploads, up to ~90 s of developing on the production worker loop, then the album.
  test.setTimeout(180_000);

  const files = await Promise.all(
    SEEDS.map(async (seed) => ({ name: `library-${seed}.jpg`, mimeType: 'image/jpeg', buffer: await makeJpeg({ width: 1600, height: 1067, seed }) })),
  );
  const nav = page.getByRole('navigation', { name: 'Admin' });

  // Upload: drag and drop the three photos, each with its own progress bar.
  await page.goto('/admin');
  await nav.getByRole('link', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/admin\/upload$/);
  await dropFiles(page.getByTestId('drop-zone'), files);

  const ids: string[] = [];
  for (const file of files) {
    const row = page.getByTestId(`upload-${file.name}`);
    await expect(row.getByRole('progressbar', { name: `Upload progress for ${file.name}` })).toBeVisible();
    await expect(row).toHaveAttribute('data-state', 'accepted', { timeout: 30_000 });
    await expect(row.getByRole('progressbar')).toHaveAttribute('value', '1');
    const href = await row.getByRole('link', { name: `Open ${file.name} in the library` }).getAttribute('href');
    const id = decodeURIComponent(href?.match(/^\/admin\/library\/([^/?#]+)$/)?.[1] ?? '');
    expect(id, `image link of ${file.name}: ${href}`).not.toBe('');
    ids.push(id);
  }
  expect(new Set(ids).size).toBe(files.length);
  await expect(page.getByTestId('count-accepted')).toHaveText('Accepted: 3');
  await expect(page.getByTestId('count-failed')).toHaveText('Failed: 0');
  // The develop status arrives on the upload page itself (one event stream), thumbnail included.
  for (const file of files) await expect(page.getByTestId(`upload-${file.name}`)).toHaveAttribute('data-develop', 'ready', { timeout: 90_000 });
  for (const file of files) await expect(page.getByTestId(`upload-${file.name}`).locator('.upload-thumb img')).toBeVisible();

  // Library: the worker loop develops them; the feed polls until each tile is ready.
  await page.getByRole('link', { name: 'Go to the library' }).click();
  await expect(page).toHaveURL(/\/admin\/library$/);
  for (const id of ids) await expect(page.getByTestId(`tile-${id}`)).toHaveAttribute('data-status', 'ready', { timeout: 90_000 });

  // Albums: a new private album.
  await nav.getByRole('link', { name: 'Albums' }).click();
  await expect(page).toHaveURL(/\/admin\/albums$/);
  const createForm = page.getByRole('form', { name: 'New album' });
  await createForm.getByLabel('Title').fill(ALBUM.title);
  await createForm.getByLabel('Slug (optional)').fill(ALBUM.slug);
  await expect(createForm.getByLabel('Visibility')).toHaveValue('private');
  await createForm.getByRole('button', { name: 'Create album' }).click();
  const albumRow = page.getByTestId(`album-${ALBUM.slug}`);
  await expect(albumRow.getByRole('cell', { name: 'private', exact: true })).toBeVisible();
  await expect(albumRow.getByRole('link', { name: `0 photos in ${ALBUM.title}` })).toBeVisible();

  // Each photo joins the album through its detail page's form.
  for (const [index, id] of ids.entries()) {
    await page.goto(`/admin/library/${encodeURIComponent(id)}`);
    // Untitled photos are labelled by their file name without the extension.
    await expect(page.getByRole('heading', { name: files[index]?.name.replace(/\.jpg$/, ''), level: 1 })).toBeVisible();
    await page.getByLabel('Album').selectOption({ label: ALBUM.title });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  }

  await nav.getByRole('link', { name: 'Albums' }).click();
  await expect(albumRow.getByRole('link', { name: `3 photos in ${ALBUM.title}` })).toBeVisible();

  // The owner's session sees the variants; an anonymous client sees neither album nor files yet.
  const adminImage = await page.request.get(`/api/v1/admin/images/${encodeURIComponent(ids[0] ?? '')}`);
  expect(adminImage.status()).toBe(200);
  const privateAvif = ((await adminImage.json()) as { variants: PublicVariant[] }).variants.find((v) => v.format === 'avif');
  expect(privateAvif, 'an AVIF variant in the admin API').toBeDefined();

  const anonymous = await playwright.request.newContext({ baseURL });
  try {
    const hidden = await anonymous.get(`/api/v1/albums/${ALBUM.slug}`);
    expect(hidden.status(), await hidden.text()).toBe(404);
    expect((await anonymous.get(privateAvif?.url ?? '')).status()).toBe(404);

    await albumRow.getByRole('button', { name: 'Make public' }).click();
    await expect(albumRow.getByRole('cell', { name: 'public', exact: true })).toBeVisible();
    await expect(albumRow.getByRole('button', { name: 'Make private' })).toBeVisible();

    const res = await anonymous.get(`/api/v1/albums/${ALBUM.slug}`);
    expect(res.status(), await res.text()).toBe(200);
    const body = (await res.json()) as PublicAlbumPage;
    expect(body.album).toMatchObject({ slug: ALBUM.slug, title: ALBUM.title, imageCount: 3 });
    expect(body.images.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    for (const image of body.images.items) {
      expect(image.status, image.id).toBe('ready');
      const formats = new Set(image.variants.map((v) => v.format));
      expect(formats.has('avif') && formats.has('webp'), `${image.id} formats: ${[...formats].join(', ')}`).toBe(true);
    }

    const avif = body.images.items[0]?.variants.find((v) => v.format === 'avif');
    expect(avif, 'an AVIF variant in the public API').toBeDefined();
    const file = await anonymous.get(avif?.url ?? '');
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('image/avif');
    const bytes = await file.body();
    expect(bytes.length).toBe(avif?.bytes);
    expect(bytes.subarray(4, 12).toString('latin1')).toBe('ftypavif');
  } finally {
    await anonymous.dispose();
  }
});
