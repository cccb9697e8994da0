import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from '@playwright/test';
import { makeJpeg } from '../server/testing/photos';
import { expect, test } from './fixtures';

const UPLOADS = '/api/v1/admin/uploads';
// Sizes no other spec uses, so the bytes (and the images) are this spec's own; makeJpeg's seed
// only matters modulo 256, so each file here takes a seed below 256 of its own.
const SMALL = { width: 97, height: 65 } as const;

async function counts(page: Page) {
  const read = async (id: string) => Number((await page.getByTestId(id).textContent())?.replace(/\D+/g, '') ?? NaN);
  return { accepted: await read('count-accepted'), duplicate: await read('count-duplicate'), refused: await read('count-refused'), failed: await read('count-failed') };
}

/** Upload one file the old way (multipart), so the library already holds it. */
async function seedLibrary(page: Page, baseURL: string, name: string, buffer: Buffer) {
  const res = await page.request.post('/api/v1/admin/images', { multipart: { files: { name, mimeType: 'image/jpeg', buffer } }, headers: { origin: baseURL } });
  expect(res.status(), await res.text()).toBe(202);
}

test('a folder of 200 mixed files: known files are not sent, the summary counts every kind exactly', async ({ ownerPage: page, baseURL }) => {
  test.setTimeout(240_000);
  if (!baseURL) throw new Error('baseURL is not set');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-upload-folder-'));
  try {
    // 178 new photos, 20 already in the library, a text file named .jpg, an empty file.
    const fresh = 178;
    const known = 20;
    for (let i = 0; i < fresh; i++) fs.writeFileSync(path.join(dir, `new-${i}.jpg`), await makeJpeg({ ...SMALL, seed: i }));
    for (let i = 0; i < known; i++) {
      const buffer = await makeJpeg({ ...SMALL, seed: fresh + i });
      await seedLibrary(page, baseURL, `seeded-${i}.jpg`, buffer);
      fs.writeFileSync(path.join(dir, `again-${i}.jpg`), buffer);
    }
    fs.writeFileSync(path.join(dir, 'notes.jpg'), 'this is text, not a photo\n'.repeat(20));
    fs.writeFileSync(path.join(dir, 'empty.jpg'), '');

    const trace = traceTus(page);

    await page.goto('/admin/upload');
    await page.getByTestId('upload-folder').setInputFiles(dir);
    await expect(page.getByTestId('upload-summary')).toHaveText('Finished: 200 files', { timeout: 200_000 });
    expect(await counts(page)).toEqual({ accepted: fresh, duplicate: known, refused: 2, failed: 0 });
    // Known files were recognised by their hash and never sent; the empty file was not sent either.
    const sentNames = new Set(trace.created);
    for (let i = 0; i < known; i++) expect(sentNames.has(`again-${i}.jpg`), `again-${i}.jpg was sent`).toBe(false);
    expect(sentNames.has('empty.jpg')).toBe(false);
    expect(sentNames.size).toBe(fresh + 1); // + notes.jpg, which only the server can judge
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

interface Trace {
  /** Offset the server acknowledged last, per upload URL. */
  acked: Map<string, number>;
  /** Upload-Offset of every PATCH sent, per upload URL, in order. */
  patches: Map<string, number[]>;
  /** File name of every upload created, by its URL; and every name a creation was sent for. */
  nameOf: Map<string, string>;
  created: string[];
}

const filenameOf = (req: Request) => {
  // tus metadata: "filename <base64>,filetype <base64>"
  const encoded = (req.headers()['upload-metadata'] ?? '').split(',').map((p) => p.trim().split(' ')).find(([k]) => k === 'filename')?.[1];
  return encoded ? Buffer.from(encoded, 'base64').toString() : '';
};

function traceTus(page: Page): Trace {
  const trace: Trace = { acked: new Map(), patches: new Map(), nameOf: new Map(), created: [] };
  const urlOf = (req: Request) => new URL(req.url()).pathname;
  page.on('request', (req) => {
    const url = urlOf(req);
    if (!url.startsWith(UPLOADS)) return;
    if (req.method() === 'POST' && url === UPLOADS) trace.created.push(filenameOf(req));
    if (req.method() === 'PATCH') trace.patches.set(url, [...(trace.patches.get(url) ?? []), Number(req.headers()['upload-offset'])]);
  });
  page.on('response', (res) => {
    const req = res.request();
    const offset = res.headers()['upload-offset'];
    const location = res.headers()['location'];
    if (req.method() === 'POST' && location) trace.nameOf.set(new URL(location, req.url()).pathname, filenameOf(req));
    if (req.method() === 'PATCH' && res.status() === 204 && offset) trace.acked.set(urlOf(req), Number(offset));
  });
  return trace;
}

test('reload mid-batch: the same files resume from the server offsets, nothing sent twice; pause and resume', async ({ ownerPage: page }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-upload-resume-'));
  try {
    // 1.7 MB each against 256 KiB chunks (playwright.config.ts): seven chunks per file.
    const files: string[] = [];
    for (let i = 0; i < 4; i++) {
      const file = path.join(dir, `big-${i}.jpg`);
      fs.writeFileSync(file, await makeJpeg({ width: 3000, height: 2000, quality: 100, seed: 250 + i }));
      files.push(file);
    }
    const sizes = files.map((f) => fs.statSync(f).size);
    // A slow uplink, so the reload lands between chunks.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
    page.on('dialog', (dialog) => void dialog.accept()); // the "leave page?" prompt of a busy batch

    const before = traceTus(page);
    await page.goto('/admin/upload');
    await page.getByTestId('upload-files').setInputFiles(files);
    // Wait for one file done and the batch well under way, then reload.
    await expect(page.getByTestId('count-accepted')).not.toHaveText('Accepted: 0', { timeout: 60_000 });
    // An upload with at least two chunks still to go: the three parallel uploads are of one size
    // and finish together, so a file only just short of its end may complete before the reload.
    const sizeOf = new Map(files.map((f, i) => [path.basename(f), sizes[i] ?? 0]));
    const TWO_CHUNKS = 2 * 256 * 1024;
    const wellUnderWay = () => [...before.acked].filter(([url, o]) => o > 0 && o < (sizeOf.get(before.nameOf.get(url) ?? '') ?? 0) - TWO_CHUNKS).length;
    await expect.poll(wellUnderWay, { timeout: 60_000, intervals: [50] }).toBeGreaterThan(0);
    await page.reload();
    const ackedBefore = new Map(before.acked);
    // Uploads the server had acknowledged part of, by file name (files finished before the reload excluded).
    const partial = new Set([...ackedBefore].filter(([, offset]) => offset > 0 && !sizes.includes(offset)).map(([url]) => before.nameOf.get(url)));
    const finishedBefore = new Set([...ackedBefore].filter(([, offset]) => sizes.includes(offset)).map(([url]) => before.nameOf.get(url)));

    await expect(page.getByTestId('upload-resumable')).toContainText('add the same files again to continue');
    const after = traceTus(page);
    await page.getByTestId('upload-files').setInputFiles(files);

    // Pause everything while it runs, then resume: the uploads stand still, then finish.
    await expect.poll(() => after.patches.size, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect(page.getByRole('button', { name: 'Resume all' })).toBeVisible();
    await expect(page.locator('[data-state="uploading"]')).toHaveCount(0);
    await expect(page.locator('[data-state="paused"]').first()).toBeVisible();
    await page.getByRole('button', { name: 'Resume all' }).click();

    await expect(page.getByTestId('upload-summary')).toHaveText('Finished: 4 files', { timeout: 120_000 });
    // Files finished before the reload are recognised by hash and not sent; the rest are accepted now.
    const summary = await counts(page);
    expect(summary.refused + summary.failed).toBe(0);
    expect(summary.accepted + summary.duplicate).toBe(4);
    expect(summary.duplicate).toBeGreaterThanOrEqual(finishedBefore.size);
    for (const name of finishedBefore) expect(after.created, `${name} finished before the reload`).not.toContain(name);

    // No upload was created again for a file the server held part of, and no PATCH started below
    // what the server had acknowledged before the reload: completed bytes were never re-sent.
    expect(partial.size).toBeGreaterThan(0);
    for (const name of partial) expect(after.created, `${name} was partly uploaded before the reload`).not.toContain(name);
    for (const [url, offsets] of after.patches) {
      const acked = ackedBefore.get(url);
      if (acked !== undefined) expect(Math.min(...offsets), `first offset after reload for ${url}`).toBeGreaterThanOrEqual(acked);
      // Within the page too (pause and resume included): offsets only move forward.
      expect(offsets, `offsets of ${url}`).toEqual([...offsets].sort((a, b) => a - b));
    }
    const resumed = [...after.patches.keys()].filter((url) => ackedBefore.has(url));
    expect(resumed.length, 'uploads resumed on their pre-reload URL').toBeGreaterThan(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
