import { expect, test } from './fixtures';

/* The API reference at /api/v1/docs works with no network beyond the Darkroom server: no CDN, no fonts, no telemetry. */

test('the API reference renders the live document with every request kept on the server', async ({ page, baseURL }) => {
  if (!baseURL) throw new Error('baseURL is not set for this project');
  const origin = new URL(baseURL).origin;
  const elsewhere: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    elsewhere.push(url);
    return route.abort('blockedbyclient');
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));

  const res = await page.goto('/api/v1/docs');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Darkroom API', level: 1 })).toBeVisible();
  // An operation from the document, found through the reference's own search.
  await page.keyboard.press('ControlOrMeta+k');
  await page.getByRole('combobox').fill('Public albums in display order');
  await expect(page.getByRole('option', { name: /Public albums in display order/ })).toBeVisible();

  await page.waitForLoadState('networkidle');
  expect(elsewhere).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
