import { expect, OWNER, signIn, test } from './fixtures';

// Runs first on a fresh server (the `<db>-owner` project); the tests build on each other.
test.describe.serial('owner setup and sign-in', () => {
  test('a fresh server leads to setup, which creates the owner and opens the dashboard', async ({ page, databaseLabel }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/setup$/);

    await page.getByLabel('Name').fill(OWNER.name);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner account' }).click();

    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('signed-in-as')).toHaveText(OWNER.email);
    await expect(page.getByTestId('stat-users')).toContainText('1 active / 1');
    await expect(page.getByTestId('stat-database')).toContainText(databaseLabel);
    await expect(page.getByTestId('stat-cache-mode')).toContainText('local');
    await expect(page.getByTestId('stat-redis')).toContainText('not configured');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('setup is refused once the owner exists, in the UI and in the API', async ({ page, request }) => {
    await page.goto('/setup');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in to Darkroom' })).toBeVisible();

    const res = await request.post('/api/v1/setup', {
      data: { name: 'Second Owner', email: 'second-owner@darkroom.test', password: 'another-password' },
    });
    expect(res.status()).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'CONFLICT' } });
  });

  test('the owner signs in again; a wrong password is refused with an error', async ({ page }) => {
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/login$/);

    await signIn(page, OWNER.email, 'not-the-password');
    await expect(page.locator('form').getByRole('alert')).toContainText(/invalid email or password/i);
    await expect(page).toHaveURL(/\/login$/);

    await signIn(page, OWNER.email, OWNER.password);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('signed-in-as')).toHaveText(OWNER.email);
  });
});
