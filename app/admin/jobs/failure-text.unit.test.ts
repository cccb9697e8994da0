import { describe, expect, it } from 'vitest';
import { failureText } from './failure-text';

describe('the jobs page explains why a job stopped', () => {
  it.each([
    [{ failureKind: 'repeated', lastError: 'disk full', attempts: 2 }, 'Fails the same way on every attempt: disk full'],
    [{ failureKind: 'permanent', lastError: 'not a photo', attempts: 1 }, 'Cannot succeed: not a photo'],
    [{ failureKind: 'exhausted', lastError: 'timeout', attempts: 5 }, 'Gave up after 5 attempts: timeout'],
    [{ failureKind: null, lastError: 'timeout', attempts: 1 }, 'timeout'],
    [{ failureKind: null, lastError: null, attempts: 0 }, null],
  ] as const)('%j', (job, text) => {
    expect(failureText(job)).toBe(text);
  });
});
