import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertKey, assertPrefix, type Storage } from './types';

/** Regular files below `dir`, one directory open at a time (opendir's own `recursive` drops entries on Node 20). */
async function* filesUnder(dir: string): AsyncGenerator<string> {
  let handle;
  try {
    handle = await fs.opendir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const entry of handle) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Files under one root directory; writes go to a temp file and are renamed into place. */
export function createLocalStorage(root: string): Storage {
  const resolve = (key: string) => path.join(root, assertKey(key));
  const tempFor = (file: string) => `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;

  async function atomically(file: string, write: (tmp: string) => Promise<void>) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = tempFor(file);
    try {
      await write(tmp);
      await fs.rename(tmp, file);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }

  return {
    driver: 'local',
    async put(key, body) {
      const file = resolve(key);
      await atomically(file, (tmp) => fs.writeFile(tmp, body));
    },
    async putFile(key, filePath) {
      const file = resolve(key);
      await atomically(file, (tmp) => fs.copyFile(filePath, tmp));
    },
    async get(key) {
      const file = resolve(key);
      try {
        const stat = await fs.stat(file);
        return { body: createReadStream(file), bytes: stat.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    read: async (key) => fs.readFile(resolve(key)),
    async delete(key) {
      await fs.rm(resolve(key), { force: true });
    },
    async deletePrefix(prefix) {
      await fs.rm(path.join(root, assertPrefix(prefix)), { recursive: true, force: true });
    },
    async *list(prefix) {
      for await (const file of filesUnder(path.join(root, assertPrefix(prefix)))) {
        // Removed since the directory was read (another replica, a finished write): not listed.
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat) yield { key: path.relative(root, file).split(path.sep).join('/'), bytes: stat.size, lastModified: stat.mtime };
      }
    },
    async ping() {
      await fs.mkdir(root, { recursive: true });
      await fs.access(root, fs.constants.W_OK);
    },
  };
}
