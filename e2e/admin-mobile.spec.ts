import type { Page } from '@playwright/test';
import { makeJpeg } from '../server/testing/photos';
import { dropFiles, expect, test } from './fixtures';

/* The admin on a 390 px phone: the links fold behind a Menu button, and no page scrolls sideways. */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

const WIDTH = 390;
// A phone camera's kind of name, long enough to push a row wider than the screen if it could.
const LONG_NAME = 'PXL_20240601_123000123.MP.PORTRAIT-ORIGINAL-with-a-long-suffix-from-sharing.jpg';

async function expectNoSidewaysScroll(page: Page, where: string) {
  const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY);
  expect(width, `page width on ${where}`).toBeLessThanOrEqual(WIDTH);
}

async function screenshot(page: Page, name: string) {
  const project = test.info().project.name;
  await page.screenshot({ path: `test-results/screenshots/admin-mobile-${project}-${name}.png`, fullPage: true });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`admin at 390 px (${scheme}): the menu toggles by keyboard and pointer; upload, library and jobs fit the screen`, async ({ ownerPage: page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/admin');
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Admin' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    const links = nav.locator('#admin-menu');
    await expect(menu).toHaveAttribute('aria-controls', 'admin-menu');

    // Folded at first: the links take no room until asked for.
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(links.getByRole('link', { name: 'Library' })).toBeHidden();
    const folded = await nav.boundingBox();
    expect(folded?.height ?? Number.POSITIVE_INFINITY).toBeLessThan(80);
    await expectNoSidewaysScroll(page, 'the dashboard');
    await screenshot(page, `${scheme}-dashboard`);

    // Keyboard: Enter opens, Escape closes and gives focus back to the button, Space opens again.
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(links.getByRole('link', { name: 'Library' })).toBeVisible();
    await screenshot(page, `${scheme}-menu-open`);
    await page.keyboard.press('Escape');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(menu).toBeFocused();
    await expect(links.getByRole('link', { name: 'Library' })).toBeHidden();
    await page.keyboard.press('Space');
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('aria-expanded', 'false');

    // Upload (following a link closes the menu): a photo with a long name, so the row has to fit the phone.
    await menu.click();
    await links.getByRole('link', { name: 'Upload' }).click();
    await expect(page).toHaveURL(/\/admin\/upload$/);
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    const buffer = await makeJpeg({ width: 640, height: 427, seed: scheme === 'light' ? 901 : 902 });
    await dropFiles(page.getByTestId('drop-zone'), [{ name: LONG_NAME, mimeType: 'image/jpeg', buffer }]);
    await expect(page.getByTestId(`upload-${LONG_NAME}`)).toHaveAttribute('data-state', 'accepted', { timeout: 30_000 });
    await expectNoSidewaysScroll(page, 'the upload page');
    await screenshot(page, `${scheme}-upload`);

    // Library: the photo just uploaded is in the grid.
    await menu.click();
    await links.getByRole('link', { name: 'Library' }).click();
    await expect(page).toHaveURL(/\/admin\/library$/);
    await expect(page.getByRole('heading', { name: 'Library' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Photos' }).getByRole('link').first()).toBeVisible();
    await expectNoSidewaysScroll(page, 'the library');
    await screenshot(page, `${scheme}-library`);

    // Jobs: the table may scroll inside its own box, never the page.
    await menu.click();
    await links.getByRole('link', { name: 'Jobs' }).click();
    await expect(page).toHaveURL(/\/admin\/jobs$/);
    await expect(page.locator('table')).toBeVisible();
    await expectNoSidewaysScroll(page, 'the jobs page');
    await screenshot(page, `${scheme}-jobs`);
  });
}

test('on a wide screen the sidebar shows every link and no Menu button', async ({ ownerPage: page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/admin');
  const nav = page.getByRole('navigation', { name: 'Admin' });
  await expect(nav.getByRole('button', { name: 'Menu' })).toBeHidden();
  for (const name of ['Library', 'Upload', 'Jobs', 'Settings']) await expect(nav.getByRole('link', { name })).toBeVisible();
});
