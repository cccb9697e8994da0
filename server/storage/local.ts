import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertKey, assertPrefix, type Storage } from './types';

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
    async ping() {
      await fs.mkdir(root, { recursive: true });
      await fs.access(root, fs.constants.W_OK);
    },
  };
}
