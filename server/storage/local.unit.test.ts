import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertKey, assertPrefix, StorageKeyError } from '.';

describe('assertKey', () => {
  it.each(['originals/x/original.jpg', 'variants/a/t0k3n/1024.webp', 'a', 'a_b-c/d.e.f', `originals/${randomUUID()}/original.heic`])(
    'accepts %j and returns it unchanged',
    (key) => {
      expect(assertKey(key)).toBe(key);
    },
  );

  it.each([
    ['empty', ''],
    ['parent segment', '../etc/passwd'],
    ['parent segment in the middle', 'originals/../secrets'],
    ['trailing parent segment', 'originals/..'],
    ['double dot inside a name', 'originals/a..b'],
    ['leading slash', '/originals/x/original.jpg'],
    ['trailing slash', 'originals/x/'],
    ['empty segment', 'originals//x'],
    ['space', 'originals/a b.jpg'],
    ['uppercase', 'Originals/x/original.jpg'],
    ['uppercase extension', 'originals/x/original.JPG'],
    ['backslash', 'originals\\x'],
    ['dot-file segment', 'originals/.hidden'],
    ['first segment with a dot', 'a.b/c'],
    ['leading dash', '-rf'],
    ['newline', 'originals/x\n'],
    ['non-ASCII', 'originals/café.jpg'],
    ['percent-encoded', 'originals/%2e%2e/x'],
    ['over 512 characters', `a/${'b'.repeat(511)}`],
  ])('rejects a key with %s', (_, key) => {
    expect(() => assertKey(key)).toThrow(StorageKeyError);
  });

  it('accepts exactly 512 characters', () => {
    const key = `a/${'b'.repeat(510)}`;
    expect(key).toHaveLength(512);
    expect(assertKey(key)).toBe(key);
  });

  it('quotes the rejected key in its message', () => {
    expect(() => assertKey('a b')).toThrow('Invalid storage key: "a b"');
  });
});

describe('assertPrefix', () => {
  it.each(['variants/x/', 'originals/', 'a/b/c/'])('accepts %j', (prefix) => {
    expect(assertPrefix(prefix)).toBe(prefix);
  });

  it.each([
    ['no trailing slash', 'variants/x'],
    ['just a slash', '/'],
    ['empty', ''],
    ['leading slash', '/variants/x/'],
    ['double trailing slash', 'variants/x//'],
    ['parent segment', 'variants/../'],
    ['uppercase', 'Variants/x/'],
    ['space', 'variants/a b/'],
  ])('rejects a prefix with %s', (_, prefix) => {
    expect(() => assertPrefix(prefix)).toThrow(StorageKeyError);
  });
});
