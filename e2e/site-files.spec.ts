import { expect, test } from './fixtures';

/* What crawlers and feed readers get from the production server: robots.txt, sitemap.xml, feed.xml. */

const PUBLIC_ALBUM = { title: 'Crawlable coast', slug: 'crawlable-coast', visibility: 'public' } as const;
const PRIVATE_ALBUM = { title: 'Hidden room', slug: 'hidden-room-e2e', visibility: 'private' } as const;

test('robots.txt, sitemap.xml and feed.xml are absolute, parse, and never name a private album', async ({ ownerPage: page, baseURL }) => {
  if (!baseURL) throw new Error('baseURL is not set for this project');
  for (const album of [PUBLIC_ALBUM, PRIVATE_ALBUM]) {
    const res = await page.request.post('/api/v1/admin/albums', { data: album, headers: { origin: baseURL } });
    expect([201, 409], `create ${album.slug}: ${await res.text()}`).toContain(res.status());
  }
  const visitor = await page.context().browser()?.newContext({ baseURL });
  if (!visitor) throw new Error('no browser');

  const robots = await visitor.request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  const robotsText = await robots.text();
  for (const path of ['/admin', '/api', '/login', '/setup', '/s/']) expect(robotsText).toContain(`Disallow: ${path}\n`);
  expect(robotsText).toContain(`Sitemap: ${baseURL}/sitemap.xml`);

  const sitemap = await visitor.request.get('/sitemap.xml');
  expect(sitemap.status()).toBe(200);
  const sitemapXml = await sitemap.text();
  const feed = await visitor.request.get('/feed.xml');
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  const feedXml = await feed.text();

  // Parsed by the browser's own XML parser: a malformed document yields <parsererror>.
  const reader = await visitor.newPage();
  const parsed = await reader.evaluate(
    ({ s, f }) => {
      const parse = (xml: string) => new DOMParser().parseFromString(xml, 'application/xml');
      const sm = parse(s);
      const fd = parse(f);
      return {
        errors: sm.getElementsByTagName('parsererror').length + fd.getElementsByTagName('parsererror').length,
        locs: [...sm.getElementsByTagName('loc')].map((n) => n.textContent ?? ''),
        feedRoot: `${fd.documentElement.namespaceURI} ${fd.documentElement.localName}`,
        feedLinks: [...fd.getElementsByTagName('link'), ...fd.getElementsByTagName('img')].map((n) => n.getAttribute('href') ?? n.getAttribute('src') ?? ''),
      };
    },
    { s: sitemapXml, f: feedXml },
  );
  expect(parsed.errors).toBe(0);
  expect(parsed.feedRoot).toBe('http://www.w3.org/2005/Atom feed');
  expect(parsed.locs).toContain(`${baseURL}/`);
  expect(parsed.locs).toContain(`${baseURL}/a/${PUBLIC_ALBUM.slug}`);
  for (const url of [...parsed.locs, ...parsed.feedLinks]) expect(url.startsWith(`${baseURL}/`), url).toBe(true);
  expect(sitemapXml + feedXml).not.toContain(PRIVATE_ALBUM.slug);
  await visitor.close();
});

test('the Settings page saves the site title: pages take it as their title and link the feed in <head>', async ({ ownerPage: page, baseURL }) => {
  await page.goto('/admin');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  const title = page.getByLabel('Site title');
  const before = await title.inputValue();
  await title.fill('  Harbour Lights ');
  await page.getByLabel('Description').fill('Night walks by the water');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved. Visitors see the new settings now.');
  await expect(title).toHaveValue('Harbour Lights');

  await page.goto('/login');
  await expect(page).toHaveTitle(/Harbour Lights/);
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', 'Night walks by the water');
  await expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute('href', `${baseURL}/feed.xml`);
  const feed = await (await page.request.get('/feed.xml')).text();
  expect(feed).toContain('<title>Harbour Lights</title>');

  // A refused save says why and keeps the form as typed.
  await page.goto('/admin/settings');
  await page.getByLabel('Site title').fill(' ');
  await page.getByLabel('Site title').evaluate((input) => input.removeAttribute('required'));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('form').getByRole('alert')).toContainText('Title is required');

  await page.getByLabel('Site title').fill(before);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved. Visitors see the new settings now.');
});
