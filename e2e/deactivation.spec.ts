import { expect, signIn, test } from './fixtures';

const ADMIN = { name: 'Ada Admin', email: 'ada-admin@darkroom.test', password: 'ada-password-1' } as const;

test('deactivating an admin locks them out of the admin UI, the admin API and sign-in', async ({ ownerPage, browser, baseURL }) => {
  await ownerPage.goto('/admin');
  await ownerPage.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click();
  await expect(ownerPage).toHaveURL(/\/admin\/users$/);
  await expect(ownerPage.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

  await ownerPage.getByLabel('Name').fill(ADMIN.name);
  await ownerPage.getByLabel('Email').fill(ADMIN.email);
  await ownerPage.getByLabel('Password').fill(ADMIN.password);
  await ownerPage.getByLabel('Role').selectOption('admin');
  await ownerPage.getByRole('button', { name: 'Add user' }).click();
  const row = ownerPage.getByTestId(`user-${ADMIN.email}`);
  await expect(row.getByRole('cell', { name: ADMIN.name })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'admin', exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'active', exact: true })).toBeVisible();

  // The new admin, in a browser of their own.
  const adminContext = await browser.newContext({ baseURL });
  try {
    const adminPage = await adminContext.newPage();
    await adminPage.goto('/login');
    await signIn(adminPage, ADMIN.email, ADMIN.password);
    await expect(adminPage).toHaveURL(/\/admin$/);
    await expect(adminPage.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(adminPage.getByTestId('signed-in-as')).toHaveText(ADMIN.email);

    await row.getByRole('button', { name: 'Deactivate' }).click();
    await expect(row.getByRole('cell', { name: 'deactivated', exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Activate' })).toBeVisible();

    // Their session snapshot cookie is still inside its 60 s window; the role and active
    // flag are read fresh, so access ends now anyway.
    await adminPage.reload();
    await expect(adminPage.getByRole('heading', { name: 'No admin access' })).toBeVisible();
    await expect(adminPage.getByText('Your account is deactivated')).toBeVisible();
    const me = await adminContext.request.get('/api/v1/admin/me');
    expect(me.status()).toBe(403);
    expect(await me.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    // better-auth's self-service endpoints refuse too, though the snapshot cookie is still valid.
    const cookies = (await adminContext.cookies()).map((c) => c.name);
    expect(cookies).toEqual(expect.arrayContaining(['better-auth.session_token', 'better-auth.session_data']));
    const rename = await adminContext.request.post('/api/auth/update-user', { data: { name: 'Renamed after deactivation' }, headers: { origin: baseURL ?? '' } });
    expect(rename.status()).toBe(403);
    const listed = await ownerPage.request.get('/api/v1/admin/users?limit=100');
    const users = ((await listed.json()) as { items: { email: string; name: string }[] }).items;
    expect(users.find((u) => u.email === ADMIN.email)?.name).toBe(ADMIN.name);

    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await expect(adminPage).toHaveURL(/\/login$/);
    await signIn(adminPage, ADMIN.email, ADMIN.password);
    await expect(adminPage.locator('form').getByRole('alert')).toContainText('deactivated');
    await expect(adminPage).toHaveURL(/\/login$/);
  } finally {
    await adminContext.close();
  }
});
