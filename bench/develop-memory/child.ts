/*
 * The measured process: what one replica's worker does for `copies` jobs at once, and nothing
 * else. Each job reads its own original from local storage and develops it with the same
 * developImage() and libvips settings as the worker; the variants are written back, as the job
 * does. Prints one JSON line: its RSS before (modules loaded, idle) and its peak (kernel maxRSS).
 */
import os from 'node:os';
import path from 'node:path';
import { developImage } from '../../server/images/develop';
import { configureSharp } from '../../server/images/sharp';
import { createLocalStorage } from '../../server/storage';

const [root, key, copiesArg, maxPixelsArg] = process.argv.slice(2);
if (!root || !key || !copiesArg || !maxPixelsArg) throw new Error('usage: child.ts <storage root> <original key> <copies> <max pixels>');
const copies = Number(copiesArg);
const maxPixels = Number(maxPixelsArg);

configureSharp(copies, os.availableParallelism());
const storage = createLocalStorage(root);
const idleRssBytes = process.memoryUsage.rss();
const started = performance.now();
const developed = await Promise.all(
  Array.from({ length: copies }, async (_, i) => {
    const original = await storage.read(key);
    const result = await developImage(original, { maxPixels });
    await Promise.all(result.variants.map((v) => storage.put(path.posix.join('variants', `copy${i}`, `${v.width}.${v.format}`), v.data, `image/${v.format}`)));
    return { width: result.width, height: result.height, variants: result.variants.length, warnings: result.warnings };
  }),
);
const seconds = (performance.now() - started) / 1000;
// ru_maxrss: the kernel's high-water mark of this process's resident set, in KiB.
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ idleRssBytes, peakRssBytes, seconds, developed }));
