import { makeJpeg } from '../server/testing/photos';
import { expect, test } from './fixtures';

const ALBUM = { title: 'Cover walk', slug: 'cover-walk' } as const;
// A seed no other spec uses: the bytes, and so the image, are this spec's own.
const SEED = 611;

/*
 * The pages that load with the typed API client and the shared load hook, beyond the
 * library walk: the jobs monitor and its filter, the album cover picker, and a photo's
 * "Develop again".
 */
test('a developed photo: its job on the jobs page, chosen as an album cover, developed again', async ({ ownerPage: page, baseURL }) => {
  test.setTimeout(150_000);
  const headers = { origin: baseURL ?? '' };
  const upload = await page.request.post('/api/v1/admin/images', {
    headers,
    multipart: { files: { name: `cover-${SEED}.jpg`, mimeType: 'image/jpeg', buffer: await makeJpeg({ width: 800, height: 600, seed: SEED }) } },
  });
  expect(upload.status(), await upload.text()).toBe(202);
  const id = ((await upload.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
  const statusOf = async () => ((await (await page.request.get(`/api/v1/admin/images/${encodeURIComponent(id)}`)).json()) as { status: string }).status;
  await expect.poll(statusOf, { timeout: 90_000 }).toBe('ready');

  // Jobs: the photo's develop job is listed as succeeded; filtering by "failed" hides it.
  await page.goto('/admin/jobs');
  const jobRow = page.locator('[data-testid^="job-"]').filter({ has: page.locator(`a[href="/admin/library/${encodeURIComponent(id)}"]`) });
  await expect(jobRow).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('jobs-count-succeeded').locator('.value')).not.toHaveText('0');
  await page.getByLabel('Status').selectOption('failed');
  await expect(jobRow).toHaveCount(0);
  await page.getByLabel('Status').selectOption('succeeded');
  await expect(jobRow).toHaveAttribute('data-status', 'succeeded');

  // Albums: a public album holding the public photo; its cover is picked in the edit form.
  const created = await page.request.post('/api/v1/admin/albums', { headers, data: { ...ALBUM, visibility: 'public' } });
  expect(created.status(), await created.text()).toBe(201);
  const albumId = ((await created.json()) as { id: string }).id;
  const moved = await page.request.patch(`/api/v1/admin/images/${encodeURIComponent(id)}`, { headers, data: { albumId, visibility: 'public' } });
  expect(moved.status(), await moved.text()).toBe(200);

  await page.goto('/admin/albums');
  const albumRow = page.getByTestId(`album-${ALBUM.slug}`);
  await albumRow.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: `Edit ${ALBUM.title}` });
  const covers = form.getByRole('radio');
  await expect(covers).toHaveCount(2); // "No cover" and the one photo
  await form.locator(`input[type="radio"][value="${id}"]`).check({ force: true });
  await form.getByRole('button', { name: 'Save album' }).click();
  await expect(form).toHaveCount(0);
  const album = await page.request.get(`/api/v1/admin/albums/${encodeURIComponent(albumId)}`);
  expect(((await album.json()) as { coverImageId: string | null }).coverImageId).toBe(id);

  // The photo's page: "Develop again" queues it, and the page follows it back to ready.
  await page.goto(`/admin/library/${encodeURIComponent(id)}`);
  await page.getByRole('button', { name: 'Develop again' }).click();
  await expect(page.getByRole('button', { name: 'Develop again' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Develop again' })).toBeEnabled({ timeout: 90_000 });
  expect(await statusOf()).toBe('ready');
});
