import { describe, expect, it } from 'vitest';
import { jpegWithExif, TAG } from '../testing/exif';
import { readMetadata } from './metadata';

describe('readMetadata never fails a photo', () => {
  it('cuts EXIF ASCII at its first NUL and names every cleaned field in one warning', async () => {
    const meta = await readMetadata(await jpegWithExif({ ifd0: { [TAG.Make]: 'Nokia\u00002\u0000', [TAG.Model]: 'N9\u0000\u0000\u0000' }, exif: { [TAG.LensModel]: 'x'.repeat(500) } }));
    expect(meta.exif).toEqual({ make: 'Nokia', model: 'N9', lens: 'x'.repeat(200) });
    expect(meta.warnings).toEqual(['Camera details were cleaned: make (control characters), lens (too long)']);
  });

  it('a tag of the wrong type is dropped with a warning, not stored', async () => {
    const meta = await readMetadata(await jpegWithExif({ ifd0: { [TAG.Make]: 1234, [TAG.Model]: 'Real Model' } }));
    expect(meta.exif).toEqual({ model: 'Real Model' });
    expect(meta.warnings).toEqual(['Camera details were cleaned: make (not text)']);
  });

  it('bytes that are not an image, or no EXIF at all, give no metadata and no error', async () => {
    expect(await readMetadata(Buffer.from('not an image at all'))).toMatchObject({ exif: {}, takenAt: null, gps: null });
    expect(await readMetadata(Buffer.alloc(0))).toMatchObject({ exif: {}, takenAt: null, gps: null });
  });

  it('an EXIF block that is garbage is a warning', async () => {
    const jpeg = await jpegWithExif({ ifd0: { [TAG.Make]: 'x' } });
    const start = jpeg.indexOf('MM');
    jpeg.fill(0xff, start + 4, start + 40); // IFD offset and entries: nonsense
    const meta = await readMetadata(jpeg);
    expect(meta.exif).toEqual({});
    expect(meta.warnings.join(' ')).toMatch(/EXIF could not be read/);
  });
});
