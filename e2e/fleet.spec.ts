import { expect, test } from './fixtures';

interface WorkerJson {
  id: string;
  hostname: string;
  isOnline: boolean;
  isDrained: boolean;
}

test('the fleet page shows the one worker live, drains it and undrains it', async ({ ownerPage: page }) => {
  // Each project's server is a fresh replica with its own data: it is the only worker.
  const listed = await page.request.get('/api/v1/admin/workers');
  expect(listed.status()).toBe(200);
  const online = ((await listed.json()) as { items: WorkerJson[] }).items.filter((w) => w.isOnline);
  expect(online).toHaveLength(1);
  const [worker] = online;
  if (!worker) throw new Error('no online worker');
  const stat = (id: string) => page.getByTestId(`beacon-${id}`).locator('.value');
  const isDrained = async () => {
    const res = await page.request.get('/api/v1/admin/workers');
    return ((await res.json()) as { items: WorkerJson[] }).items.find((w) => w.id === worker.id)?.isDrained;
  };

  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Fleet' }).click();
  await expect(page).toHaveURL(/\/admin\/fleet$/);
  await expect(page.getByRole('heading', { name: 'Fleet', level: 1 })).toBeVisible();

  // The beacon, and exactly one worker row: online, accepting jobs, heartbeating.
  await expect(stat('online')).toHaveText('1');
  await expect(stat('available')).toHaveText('1');
  await expect(page.getByTestId('beacon-source')).toContainText('from PostgreSQL (no Redis, or Redis unreachable)');
  const rows = page.locator('[data-testid^="worker-"]');
  await expect(rows.filter({ has: page.getByText('online', { exact: true }) })).toHaveCount(1);
  const row = page.getByTestId(`worker-${worker.id}`);
  await expect(row.getByRole('cell', { name: worker.hostname, exact: true })).toBeVisible();
  await expect(row.getByText('online', { exact: true })).toBeVisible();
  await expect(row.getByText(/^\d+ s ago$/)).toBeVisible();
  await expect(row.getByText('drained', { exact: true })).toHaveCount(0);

  try {
    // Draining asks first; the confirmed drain shows in the row, the API and the beacon.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.accept();
    });
    await row.getByRole('button', { name: 'Drain', exact: true }).click();
    await expect(row.getByText('drained', { exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Undrain', exact: true })).toBeVisible();
    expect(asked).toEqual([expect.stringContaining(`confirm: Drain ${worker.hostname}?`)]);
    expect(await isDrained()).toBe(true);
    await expect(stat('available')).toHaveText('0');
    await expect(stat('free-slots')).toHaveText('0');

    // Undraining needs no confirmation.
    await row.getByRole('button', { name: 'Undrain', exact: true }).click();
    await expect(row.getByRole('button', { name: 'Drain', exact: true })).toBeVisible();
    await expect(row.getByText('drained', { exact: true })).toHaveCount(0);
    expect(await isDrained()).toBe(false);
    await expect(stat('available')).toHaveText('1');
  } finally {
    // Later specs need a worker that claims jobs, whatever happened above.
    if (await isDrained()) await page.request.post(`/api/v1/admin/workers/${encodeURIComponent(worker.id)}/undrain`);
  }
});
