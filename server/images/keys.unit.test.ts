import { describe, expect, it } from 'vitest';
import { assertKey, assertPrefix, StorageKeyError } from '../storage';
import { fileUrl, imageIdOfOriginal, originalKey, originalPrefix, variantKey, variantPrefix } from './keys';

const id = '0b9a3f5e-7c1d-4e2f-9a8b-6c5d4e3f2a1b';

describe('key shapes', () => {
  it('puts an original under its image id, named by the sniffed extension', () => {
    expect(originalKey(id, 'jpg')).toBe(`originals/${id}/original.jpg`);
    expect(assertKey(originalKey(id, 'heic'))).toBeTruthy();
  });

  it('puts a variant under its image id and develop token, named by width and format', () => {
    expect(variantKey(id, 'k3j9x', 1024, 'webp')).toBe(`variants/${id}/k3j9x/1024.webp`);
    expect(assertKey(variantKey(id, 'k3j9x', 320, 'avif'))).toBeTruthy();
  });

  it('has prefixes that are valid and contain exactly their own keys', () => {
    expect(variantPrefix(id)).toBe(`variants/${id}/`);
    expect(originalPrefix(id)).toBe(`originals/${id}/`);
    expect(assertPrefix(variantPrefix(id))).toBeTruthy();
    expect(assertPrefix(originalPrefix(id))).toBeTruthy();
    expect(variantKey(id, 't', 64, 'webp').startsWith(variantPrefix(id))).toBe(true);
    expect(originalKey(id, 'png').startsWith(originalPrefix(id))).toBe(true);
    // The trailing slash keeps one image's prefix from matching another id that extends it.
    expect(variantKey(`${id}0`, 't', 64, 'webp').startsWith(variantPrefix(id))).toBe(false);
  });

  it('produces keys that fail validation when given a hostile part', () => {
    expect(() => assertKey(originalKey('../x', 'jpg'))).toThrow(StorageKeyError);
    expect(() => assertKey(variantKey(id, 'a b', 64, 'webp'))).toThrow(StorageKeyError);
    expect(() => assertKey(originalKey(id, 'JPG'))).toThrow(StorageKeyError);
  });

  it('names the image of an original, and the URL a variant is served under', () => {
    expect(imageIdOfOriginal(originalKey(id, 'jpg'))).toBe(id);
    expect(fileUrl(variantKey(id, 'k3j9x', 320, 'avif'))).toBe(`/api/v1/files/variants/${id}/k3j9x/320.avif`);
  });
});
