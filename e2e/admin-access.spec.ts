import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, OWNER, test } from './fixtures';

/*
 * A React Server Components request that says the admin layout is already on screen
 * (`RSC: 1` plus a `Next-Router-State-Tree`) makes Next render only the page, not the
 * layout. So every admin page must check access itself: this sends that request (and a
 * plain page load) to each one, signed out, as a viewer, as a just-deactivated admin and,
 * on the owner's pages, as an admin, and looks for the page in the response.
 */

const ADMIN_DIR = fileURLToPath(new URL('../app/admin/', import.meta.url));
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

/** Every page under app/admin as a URL, dynamic segments filled in: a new page is found here. */
function adminPages(dir = ADMIN_DIR, url = '/admin'): string[] {
  const pages: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && /^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) pages.push(url);
    // Private folders (_x) and parallel slots (@x) are not URLs; route groups ((x)) add no segment.
    if (!entry.isDirectory() || /^[_@]/.test(entry.name)) continue;
    const segment = /^\(.*\)$/.test(entry.name) ? '' : `/${entry.name.startsWith('[') ? SAMPLE_ID : entry.name}`;
    pages.push(...adminPages(path.join(dir, entry.name), `${url}${segment}`));
  }
  return pages.sort();
}

/**
 * What only the rendered page sends: its data (the dashboard's figures) or, for pages that
 * load their data in the browser, the page's own components. The owner's response must
 * carry them (so each marker is real); a refused caller's must not.
 */
const PAGE_MARKERS: Record<string, string[]> = {
  '/admin': ['"stat-users"', '"stat-database"', '"stat-cache-mode"', '"stat-workers"', 'active / '],
  '/admin/albums': ['"AlbumsManager"'],
  '/admin/api-keys': ['"ApiKeysManager"'],
  '/admin/fleet': ['"FleetMonitor"'],
  '/admin/jobs': ['"JobsMonitor"'],
  '/admin/library': ['"Library"'],
  [`/admin/library/${SAMPLE_ID}`]: ['"ImageDetail"', `"id":"${SAMPLE_ID}"`],
  '/admin/settings': ['"SettingsForm"'],
  '/admin/upload': ['"Uploader"'],
  '/admin/users': ['"UsersManager"'],
};

const VIEWER = { name: 'Vera Viewer', email: 'rsc-viewer@darkroom.test', password: 'vera-password-1', role: 'viewer' } as const;
const LEAVER = { name: 'Lee Leaver', email: 'rsc-leaver@darkroom.test', password: 'lee-password-1', role: 'admin' } as const;
const ADMIN = { name: 'Ari Admin', email: 'rsc-admin@darkroom.test', password: 'ari-password-1', role: 'admin' } as const;
const PRIVATE_STRINGS = [OWNER.email, VIEWER.email, LEAVER.email, ADMIN.email, 'data-testid":"stat-', 'signed-in-as'];
/** Pages only the owner may open; an admin is refused there like a viewer. */
const OWNER_PAGES = ['/admin/users'];

/** The state tree the Next router sends when it follows an admin nav link, taken from a real navigation. */
async function navigationTree(page: Page, link: string): Promise<string> {
  const navigation = page.waitForRequest((r) => {
    const h = r.headers();
    return h.rsc === '1' && !h['next-router-prefetch'] && (h['next-router-state-tree'] ?? '').includes('admin');
  });
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: link, exact: true }).click();
  const tree = (await navigation).headers()['next-router-state-tree'] ?? '';
  // URL-encoded JSON whose admin segment is marked as already loaded.
  expect(JSON.stringify(JSON.parse(decodeURIComponent(tree)))).toContain('"admin"');
  return tree;
}

/**
 * Trees that claim the admin layout is loaded, one per page the router was on: asked for the
 * very page a tree says is showing, Next may answer with nothing to change, so each URL is
 * requested with a tree of another page (`treeFor`).
 */
async function captureStateTrees(page: Page) {
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  const onDashboard = await navigationTree(page, 'Jobs');
  await expect(page).toHaveURL(/\/admin\/jobs$/);
  const onJobs = await navigationTree(page, 'Dashboard');
  return { treeFor: (url: string) => (url === '/admin' ? onJobs : onDashboard) };
}

/**
 * The RSC request (following Next's one redirect that adds the `_rsc` cache-busting
 * parameter), or with no tree a plain document request.
 */
async function pageRequest(request: APIRequestContext, url: string, tree: string | null) {
  const headers: Record<string, string> = tree ? { RSC: '1', 'Next-Router-State-Tree': tree } : {};
  let res = await request.get(url, { headers, maxRedirects: 0 });
  const location = res.headers().location;
  if (res.status() === 307 && location?.includes('_rsc=')) res = await request.get(location, { headers, maxRedirects: 0 });
  // A page load carries the RSC payload as escaped strings in inline scripts: unescape the quotes.
  return { status: res.status(), body: (await res.text()).replace(/\\+"/g, '"') };
}

async function signedIn(request: APIRequestContext, baseURL: string, user: { email: string; password: string }) {
  const res = await request.post('/api/auth/sign-in/email', { data: { email: user.email, password: user.password }, headers: { origin: baseURL } });
  expect(res.status(), `sign-in of ${user.email}: ${await res.text()}`).toBe(200);
}

test('no admin page renders for a signed-out visitor, a viewer, a deactivated admin or (owner pages) an admin, whatever the router state claims', async ({
  ownerPage,
  playwright,
  baseURL,
}) => {
  if (!baseURL) throw new Error('baseURL is not set for this project');
  const pages = adminPages();
  expect(pages).toContain('/admin');
  expect(pages).toContain(`/admin/library/${SAMPLE_ID}`);
  expect(pages.filter((p) => !PAGE_MARKERS[p]), 'admin pages without markers in this test').toEqual([]);

  const { treeFor } = await captureStateTrees(ownerPage);
  for (const url of pages) {
    const owner = await pageRequest(ownerPage.request, url, treeFor(url));
    expect(owner.status, `owner ${url}`).toBe(200);
    for (const marker of PAGE_MARKERS[url] ?? []) expect(owner.body, `owner ${url} carries ${marker}`).toContain(marker);
  }

  for (const user of [VIEWER, LEAVER, ADMIN]) {
    const res = await ownerPage.request.post('/api/v1/admin/users', { data: user, headers: { origin: baseURL } });
    expect(res.status(), `create ${user.email}: ${await res.text()}`).toBe(201);
  }
  const signedOut = await playwright.request.newContext({ baseURL });
  const viewer = await playwright.request.newContext({ baseURL });
  const leaver = await playwright.request.newContext({ baseURL });
  const admin = await playwright.request.newContext({ baseURL });
  try {
    await signedIn(admin, baseURL, ADMIN);
    await signedIn(viewer, baseURL, VIEWER);
    await signedIn(leaver, baseURL, LEAVER);
    // Deactivated after signing in: their session snapshot cookie stays valid for 60 s.
    const leaverId = ((await (await leaver.get('/api/v1/admin/me')).json()) as { id: string }).id;
    const deactivated = await ownerPage.request.post(`/api/v1/admin/users/${leaverId}/deactivate`, { headers: { origin: baseURL } });
    expect(deactivated.status()).toBe(200);

    // An admin who is not the owner: every page but the owner's renders, so the check is no blanket refusal.
    for (const url of pages.filter((p) => !OWNER_PAGES.includes(p))) {
      const { status, body } = await pageRequest(admin, url, treeFor(url));
      expect(status, `admin ${url}`).toBe(200);
      for (const marker of PAGE_MARKERS[url] ?? []) expect(body, `admin ${url} carries ${marker}`).toContain(marker);
    }

    const refused = [
      ['signed out', signedOut, pages, PRIVATE_STRINGS],
      ['viewer', viewer, pages, PRIVATE_STRINGS],
      ['deactivated admin', leaver, pages, PRIVATE_STRINGS],
      // The admin's own chrome (their email) may render around the refusal; the owner's page may not.
      ['admin', admin, OWNER_PAGES, []],
    ] as const;
    const leaks: string[] = [];
    for (const [who, request, urls, privateStrings] of refused) {
      for (const url of urls) {
        for (const [shape, stateTree] of [['RSC', treeFor(url)], ['document', null]] as const) {
          const { status, body } = await pageRequest(request, url, stateTree);
          const found = [...(PAGE_MARKERS[url] ?? []), ...privateStrings].filter((marker) => body.includes(marker));
          if (found.length) leaks.push(`${who} ${shape} ${url} → ${status} carrying ${found.join(', ')}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  } finally {
    await Promise.all([signedOut.dispose(), viewer.dispose(), leaver.dispose(), admin.dispose()]);
  }
});
