import { describe, expect, it } from 'vitest';
import { configureSharp, loadSharp } from './sharp';

describe('loadSharp and configureSharp', () => {
  it('applies the thread split when sharp loads, and again when it changes later; the cache stays off', async () => {
    configureSharp(2, 4);
    const sharp = await loadSharp();
    expect(sharp.concurrency()).toBe(2);
    expect(sharp.cache().memory.max).toBe(0);

    configureSharp(1, 3);
    await loadSharp();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sharp.concurrency()).toBe(3);
    expect(await loadSharp()).toBe(sharp);
  });
});
