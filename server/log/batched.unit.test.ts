import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { BATCH_CHARS, BatchedDestination, FLUSH_EVERY_MS } from './batched';

const sink = () => {
  const blocks: string[] = [];
  return { blocks, write: (chunk: string) => void blocks.push(chunk) };
};

describe('BatchedDestination', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes nothing until a block is full, then the whole block at once, in order', () => {
    const out = sink();
    const destination = new BatchedDestination(out);
    const line = `${'x'.repeat(99)}\n`;
    const perBlock = Math.ceil(BATCH_CHARS / line.length);
    for (let i = 0; i < perBlock - 1; i++) destination.write(line);
    expect(out.blocks).toEqual([]);
    destination.write(line);
    expect(out.blocks).toEqual([line.repeat(perBlock)]);
  });

  it('writes what it holds at least once a second on a quiet server', () => {
    vi.useFakeTimers();
    const out = sink();
    const destination = new BatchedDestination(out);
    destination.write('a\n');
    destination.write('b\n');
    vi.advanceTimersByTime(FLUSH_EVERY_MS - 1);
    expect(out.blocks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out.blocks).toEqual(['a\nb\n']);
    vi.advanceTimersByTime(FLUSH_EVERY_MS);
    expect(out.blocks).toEqual(['a\nb\n']);
  });

  it('flushSync writes the rest; nothing is written twice', () => {
    const out = sink();
    const destination = new BatchedDestination(out);
    destination.write('one\n');
    destination.flushSync();
    destination.flushSync();
    destination.write('two\n');
    destination.flushSync();
    expect(out.blocks).toEqual(['one\n', 'two\n']);
  });

  it('takes pino lines: one JSON object per line', () => {
    const out = sink();
    const destination = new BatchedDestination(out);
    const log = pino({ base: undefined }, destination);
    for (let i = 0; i < 3; i++) log.info({ i }, 'request');
    destination.flushSync();
    expect(out.blocks).toHaveLength(1);
    const lines = (out.blocks[0] ?? '').trimEnd().split('\n').map((line) => JSON.parse(line) as { i: number; msg: string });
    expect(lines.map((line) => [line.i, line.msg])).toEqual([
      [0, 'request'],
      [1, 'request'],
      [2, 'request'],
    ]);
  });
});
