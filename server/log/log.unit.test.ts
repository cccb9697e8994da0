import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '.';

describe('createLogger', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stamps each line with the ISO time of the millisecond it was written in', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-03T10:00:00.000Z') });
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    log.info('first');
    log.info('same millisecond');
    vi.setSystemTime(Date.parse('2026-12-03T10:00:00.001Z'));
    log.info('next millisecond');
    vi.setSystemTime(Date.parse('2027-01-01T00:00:00.000Z'));
    log.info('next year');
    const times = lines.map((line) => (JSON.parse(line) as { time: string }).time);
    expect(times).toEqual(['2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.001Z', '2027-01-01T00:00:00.000Z']);
  });
});
