import postgres from 'postgres';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/*
 * The library grid over a few thousand photos, inserted as rows straight into the e2e
 * PostgreSQL database (no files: tiles show their ThumbHash placeholders). PostgreSQL only:
 * the embedded database belongs to its server process, so nothing else can write to it while
 * the server runs (playwright.config.ts leaves this spec out of the pglite project).
 */
const N = 3000;
const id = (g: number) => `grid-${String(g).padStart(4, '0')}`;
/** Photo g was uploaded (N - g) × 12 h before noon UTC on 2024-12-31: grid-0001 is the oldest. */
const uploadedAt = (g: number) => new Date(Date.UTC(2024, 11, 31, 12) - (N - g) * 12 * 3600 * 1000);
const THUMBHASH = 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG';

function database() {
  const scratch = JSON.parse(process.env.DARKROOM_E2E_SCRATCH ?? 'null') as { database: string } | null;
  if (!scratch) throw new Error('DARKROOM_E2E_SCRATCH is not set: run this spec through playwright.config.ts');
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  url.pathname = `/${scratch.database}`;
  return postgres(url.toString(), { max: 1, onnotice: () => {} });
}

test.use({ timezoneId: 'UTC', viewport: { width: 1366, height: 800 } });

test.beforeAll(async () => {
  const sql = database();
  try {
    await sql.unsafe(`
      insert into images (id, title, original_key, original_name, mime, bytes, sha256, width, height, taken_at, placeholder, dominant_color, status, visibility, created_at, updated_at)
      select 'grid-' || lpad(g::text, 4, '0'), 'Grid ' || lpad(g::text, 4, '0'), 'originals/grid-' || g, 'grid-' || g || '.jpg', 'image/jpeg', 1000,
             md5('grid-sha-' || g) || md5('grid-sha2-' || g), 3000, 2000, null, '${THUMBHASH}', '#336699',
             case when g % 50 = 0 then 'failed' else 'ready' end, 'private',
             timestamptz '2024-12-31 12:00:00+00' - (${N} - g) * interval '12 hours', now()
      from generate_series(1, ${N}) g`);
    await sql.unsafe('analyze images');
  } finally {
    await sql.end();
  }
});

test.afterAll(async () => {
  const sql = database();
  try {
    await sql.unsafe(`delete from images where id like 'grid-%'`);
  } finally {
    await sql.end();
  }
});

const tiles = (page: Page) => page.getByRole('list', { name: 'Photos' }).locator('> li');
/**
 * The library narrowed to the seeded rows by title: photos other specs upload in the same run
 * are newer (uploaded now) and would come first in the unfiltered list.
 */
const SEEDED = '/admin/library?q=Grid';

test('the library grid keeps a bounded DOM while scrolling to the oldest photo', async ({ ownerPage: page }) => {
  test.setTimeout(120_000);
  await page.goto(SEEDED);
  await expect(page.getByText('Newest first by upload date.')).toBeVisible();
  await expect(page.getByTestId(`tile-${id(N)}`)).toBeVisible();
  // Placeholders first: the tile has its ThumbHash behind it and no thumbnail (rows only).
  await expect(page.getByTestId(`tile-${id(N)}`).locator('.picture')).toHaveCSS('background-image', /^url\("data:image\/png/);

  const end = page.getByRole('status').filter({ hasText: 'End of the list' });
  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await tiles(page).count(), 'tiles in the DOM while scrolling').toBeLessThanOrEqual(150);
    await expect(end).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 90_000 });
  await expect(end).toContainText(/photos shown/);
  await expect(page.getByTestId(`tile-${id(1)}`)).toBeVisible();
  await expect(page.getByTestId(`tile-${id(N)}`)).toHaveCount(0); // scrolled out: not in the DOM
  expect(await tiles(page).count()).toBeLessThanOrEqual(150);
  // The line above the grid names the month of the top row on screen: late 2020 down here.
  await expect(page.getByTestId('grid-position')).toHaveText(/^Uploaded (November|December) 2020$/);
});

test('jump by date starts the grid at that month without paging through what is newer, and back to newest', async ({ ownerPage: page }) => {
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/admin/images?')) requests.push(r.url());
  });
  await page.goto(SEEDED);
  await expect(page.getByTestId(`tile-${id(N)}`)).toBeVisible();

  await page.getByLabel('Jump to month (upload date)').fill('2022-06');
  await page.getByRole('button', { name: 'Jump', exact: true }).click();
  await expect(page).toHaveURL(/at=2022-06/);
  // The newest seeded photo uploaded in June 2022 or before: noon on 30 June.
  const first = Array.from({ length: N }, (_, i) => i + 1).filter((g) => uploadedAt(g) < new Date(Date.UTC(2022, 6, 1))).at(-1) ?? 0;
  expect(uploadedAt(first).toISOString()).toBe('2022-06-30T12:00:00.000Z');
  await expect(page.getByTestId(`tile-${id(first)}`)).toBeVisible();
  await expect(page.getByTestId('grid-position')).toHaveText('Uploaded June 2022');
  await expect(page.getByTestId(`tile-${id(first + 1)}`)).toHaveCount(0);
  // One request for the jump, with `before`, not a walk through the ~1,800 newer photos.
  const jumps = requests.filter((u) => u.includes('before='));
  expect(jumps).toHaveLength(1);
  expect(jumps[0]).not.toContain('cursor=');

  // Keyboard: the tile is a link reachable by focus; Enter opens the photo.
  const tile = page.getByTestId(`tile-${id(first)}`);
  await tile.focus();
  await expect(tile).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/admin/library/${id(first)}$`));
  await page.goBack();
  await expect(page.getByTestId(`tile-${id(first)}`)).toBeVisible();

  await page.getByRole('button', { name: 'Back to newest' }).click();
  await expect(page).toHaveURL(/\/admin\/library\?q=Grid$/);
  await expect(page.getByTestId(`tile-${id(N)}`)).toBeVisible();
});

test('filters still work on the grid: title search, status and date taken', async ({ ownerPage: page }) => {
  await page.goto('/admin/library');
  await page.getByLabel('Title').fill('Grid 2999');
  await page.getByLabel('Title').press('Enter');
  await expect(page).toHaveURL(/q=Grid\+2999/);
  await expect(page.getByTestId(`tile-${id(2999)}`)).toBeVisible();
  await expect(tiles(page)).toHaveCount(1);

  // Typed, then a status picked straight away (no Enter): the search goes along with it.
  await page.getByLabel('Title').fill('Grid');
  await page.getByLabel('Status').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  await expect(page).toHaveURL(/q=Grid(&|$)/);
  await expect(page.getByTestId(`tile-${id(N)}`)).toHaveAttribute('data-status', 'failed');
  for (const status of await tiles(page).locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('data-status')))) expect(status).toBe('failed');
  await expect(page.getByTestId(`tile-${id(N - 1)}`)).toHaveCount(0);

  // The seeded photos have no time taken: a date range orders by it and finds none of them.
  await page.getByLabel('Taken from').fill('2020-01-01');
  await expect(page).toHaveURL(/from=2020-01-01/);
  await expect(page.getByText('Newest first by date taken.')).toBeVisible();
  await expect(page.getByText('No photos match these filters.')).toBeVisible();
});
