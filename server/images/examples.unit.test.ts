import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { adminImageDto, imageDto } from './dto';
import { publicAlbumDto } from './public';

// The examples the API reference shows (zod .meta({ example })) are real answers: each passes its schema.
describe('the examples of the OpenAPI document', () => {
  it.each([
    ['Image', imageDto],
    ['AdminImage', adminImageDto],
    ['PublicAlbum', publicAlbumDto],
  ] as [string, z.ZodType][])('%s: its example parses, unchanged, with its own schema', (_name, schema) => {
    const example: unknown = schema.meta()?.example;
    expect(example).toBeDefined();
    expect(schema.parse(example)).toEqual(example);
  });
});
