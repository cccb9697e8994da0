import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The browser code of the API reference page: the ESM build of @scalar/api-reference, served
 * by Darkroom itself so the page needs no CDN. Found from the working directory, as the
 * migrations are: Next bundles this module for `next dev`, so it cannot resolve the package.
 */
const packageDir = () => path.join(process.cwd(), 'node_modules', '@scalar', 'api-reference');

/** The module the page imports; it loads its chunks (`chunks/<name>-<hash>.js`) next to itself. */
export const REFERENCE_ENTRY = 'standalone.esm.js';
/** The entry or one of its chunks, nothing else: no source maps, no other folder, no `..`. */
const ASSET_NAME = /^(chunks\/)?[A-Za-z0-9_][A-Za-z0-9._-]*\.js$/;

let version: string | undefined;

/** The bundle's version: part of every asset URL, so the files can be cached for good. */
export function referenceBundleVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** One file of the bundle by its path below the bundle, or undefined for any other name. */
export async function readReferenceAsset(name: string): Promise<Buffer | undefined> {
  if (!ASSET_NAME.test(name)) return undefined;
  try {
    return await fs.readFile(path.join(packageDir(), 'dist', 'browser', name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
