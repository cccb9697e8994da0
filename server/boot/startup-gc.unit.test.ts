import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { releaseStartupGarbage } from './startup-gc';

describe('releaseStartupGarbage', () => {
  it('collects garbage the process dropped, without node being started with --expose-gc', () => {
    const garbage = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `row ${i}` }));
    expect(garbage).toHaveLength(200_000);
    garbage.length = 0;
    const before = v8.getHeapStatistics().used_heap_size;
    releaseStartupGarbage();
    expect(v8.getHeapStatistics().used_heap_size).toBeLessThan(before);
  });
});
