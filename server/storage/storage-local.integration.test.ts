import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from '.';

/** A fresh id, so tests sharing one backend never see each other's keys. */
const uid = () => randomUUID();

/** Every regular file under a directory, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

// What only the local driver promises: atomic writes and nothing outside its root.
describe('local storage only', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'darkroom-local-only-'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('leaves no partial and no temp file when putFile fails', async () => {
    const storage = createLocalStorage(root);
    const key = `originals/${uid()}/original.jpg`;
    await expect(storage.putFile(key, path.join(root, 'no-such-source.jpg'), 'image/jpeg')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('leaves the old object and no temp file when a write cannot be put in place', async () => {
    const storage = createLocalStorage(root);
    const id = uid();
    await storage.put(`originals/${id}/original.jpg`, Buffer.from('old'), 'image/jpeg');
    // `originals/${id}` is a non-empty directory, so the rename onto it fails after the temp file is written.
    await expect(storage.put(`originals/${id}`, Buffer.from('new'), 'image/jpeg')).rejects.toThrow();
    expect(await filesUnder(root)).toEqual([path.join('originals', id, 'original.jpg')]);
    expect((await storage.read(`originals/${id}/original.jpg`)).toString()).toBe('old');
  });

  it('keeps everything under its root', async () => {
    const storage = createLocalStorage(root);
    const key = `variants/${uid()}/t/64.webp`;
    await storage.put(key, Buffer.from('x'), 'image/webp');
    await expect(fs.readFile(path.join(root, key), 'utf8')).resolves.toBe('x');
  });
});
