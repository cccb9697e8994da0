import { expect, test } from './fixtures';

/*
 * Issue 11's API keys in a real browser: the owner makes a key on the API keys page, sees its
 * secret once (gone after a reload), a script uses it with no session and no Origin, and
 * after a revoke from the page the same key gets 401.
 */
test('the API keys page creates a key, shows it once, and revokes it', async ({ ownerPage: page, baseURL, context, request }, testInfo) => {
  const name = `Backup script ${testInfo.project.name}`;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();

  const form = page.getByRole('form', { name: 'Create an API key' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('images.read').check();
  await form.getByRole('button', { name: 'Create key' }).click();
  const field = page.getByLabel('New API key');
  await expect(field).toHaveValue(/^drk_[A-Za-z0-9_-]{43}$/);
  const secret = await field.inputValue();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(`${secret.slice(0, 12)}…`);
  await expect(row).toContainText('images.read');
  await expect(row).toContainText('active');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `test-results/screenshots/api-keys-${testInfo.project.name}-${colorScheme}.png`, fullPage: true });
  }

  // A script: no session cookie (a separate request context), no Origin, just the key.
  expect((await request.get('/api/v1/admin/images')).status()).toBe(401);
  expect((await request.get('/api/v1/admin/images', { headers: { 'x-api-key': secret } })).status()).toBe(200);
  expect((await request.get('/api/v1/admin/images', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
  expect((await request.post('/api/v1/admin/albums', { headers: { 'x-api-key': secret }, data: { title: 'Not allowed' } })).status()).toBe(403);

  // Shown once: after a reload the page has only the prefix, and the last use.
  await page.reload();
  await expect(row).toContainText('images.read');
  await expect(page.getByLabel('New API key')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(row.getByRole('cell', { name: 'never' })).toHaveCount(1); // it does not expire, but it was used

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toContainText('revoked');
  await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  const refused = await request.get('/api/v1/admin/images', { headers: { 'x-api-key': secret } });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This API key has been revoked');
});
